/* Authorization servers as OneLogin's API Authorization stores them: servers,
 * server_configurations, server_audiences and server_grant_types. Every call runs as the
 * caller (in the caller's tenant) and is one round trip; writes lock the server first and
 * append their audit event (sql/api/10_servers.sql). */
#ifndef AUTHZD_DB_SERVER_H
#define AUTHZD_DB_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/caller.h"
#include "db/db.h"
#include "model/server.h"

/* Inserts s with its configuration, audiences and grant types; *id gets the new id. */
status_t db_server_insert(struct db *db, arena_t *a, struct caller *caller, const struct server *s,
			  int64_t *id);
/* Replaces name, description, configuration and audiences of server s->id; bumps version.
 * ST_NOT_FOUND if the tenant has no such server. */
status_t db_server_update(struct db *db, arena_t *a, struct caller *caller, const struct server *s);
/* ST_NOT_FOUND if the tenant has no such server. */
status_t db_server_get(struct db *db, arena_t *a, struct caller *caller, int64_t id, struct server *out);
/* At most limit servers in id order, optionally only those whose name contains name_part
 * (case-insensitive). *out is an arena array. */
status_t db_server_list(struct db *db, arena_t *a, struct caller *caller, const char *name_part,
			int limit, struct server **out, size_t *n);
status_t db_server_delete(struct db *db, arena_t *a, struct caller *caller, int64_t id);

#endif

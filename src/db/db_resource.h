/* What hangs off a server: scopes, claims, and the client applications linked to it with
 * the scopes each may request. Every call runs as the caller; writes lock the server and
 * audit (sql/api/30_resources.sql). */
#ifndef AUTHZD_DB_RESOURCE_H
#define AUTHZD_DB_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/caller.h"
#include "db/db.h"
#include "model/resource.h"

/* ST_NOT_FOUND: no such server (or scope/claim/link) for the caller's tenant.
 * ST_CONFLICT: the value or name is taken on that server. */
status_t db_scope_list(struct db *db, arena_t *a, struct caller *caller, int64_t server_id,
		       struct scope **out, size_t *n);
/* Creates s on the server (create: s->id gets the new id) or replaces scope s->id. */
status_t db_scope_write(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int create,
			struct scope *s);
status_t db_scope_delete(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int64_t id);

status_t db_claim_list(struct db *db, arena_t *a, struct caller *caller, int64_t server_id,
		       struct claim **out, size_t *n);
/* Creates c on the server (create: c->id gets the new id) or replaces claim c->id. */
status_t db_claim_write(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int create,
			struct claim *c);
status_t db_claim_delete(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int64_t id);

struct client_app {
	int64_t app_id;
	const char *name;
	struct scope *scopes;
	size_t nscopes;
};

status_t db_client_list(struct db *db, arena_t *a, struct caller *caller, int64_t server_id,
			struct client_app **out, size_t *n);
/* Links app to the server with the scopes (create) or replaces the link's scopes
 * (create = 0; the link must exist). ST_INVALID with *bad_scope when a scope id is not
 * one of the server's; ST_CONFLICT when linking an app already linked. */
status_t db_client_set(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int64_t app_id,
		       const int64_t *scope_ids, size_t nscopes, int create, int64_t *bad_scope);
status_t db_client_remove(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int64_t app_id);

#endif

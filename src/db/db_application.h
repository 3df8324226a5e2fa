/* Storage of the tenant's client applications and their secrets (hashes only). */
#ifndef AUTHZD_DB_APPLICATION_H
#define AUTHZD_DB_APPLICATION_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "auth/auth.h"
#include "db/db.h"
#include "model/resource.h"
#include "status.h"

/* Creates the application with its first secret (a bytea literal of its SHA-256);
 * fills app->id, uuid and timestamps. */
status_t db_application_insert(struct db *db, arena_t *a, struct auth *auth, struct application *app,
			       const char *secret_hash);
status_t db_application_list(struct db *db, arena_t *a, struct auth *auth, struct application **out,
			     size_t *n);
/* ST_NOT_FOUND if the tenant has no such application. */
status_t db_application_get(struct db *db, arena_t *a, struct auth *auth, int64_t id,
			    struct application *out);
/* Changes only name and description (and fills app with the stored row). */
status_t db_application_rename(struct db *db, arena_t *a, struct auth *auth, struct application *app);
status_t db_application_delete(struct db *db, arena_t *a, struct auth *auth, int64_t id);

/* The application's fields as statement parameters $4..$12 (p[3..11]): name, description,
 * vendor, url, scope, maximum scope, access and grant validity, renewable. */
void db_application_params(arena_t *a, const struct application *app, const char **p);

#endif

/* The tenant's client applications: one table for OneLogin's /api/2/apps and Venafi's
 * OAuth applications (whose ApplicationId is the client id), with their secrets (hashes
 * only) and, for Venafi, their grants. Every call runs as the caller. */
#ifndef AUTHZD_DB_APPLICATION_H
#define AUTHZD_DB_APPLICATION_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/caller.h"
#include "core/crypto.h"
#include "db/db.h"
#include "model/resource.h"

/* Creates app (with the SHA-256 of its first secret, or none when secret_hash is NULL);
 * fills app from the stored row. ST_CONFLICT when the tenant has that client id. */
status_t db_application_insert(struct db *db, arena_t *a, struct caller *caller, struct application *app,
			       const unsigned char *secret_hash);
/* At most 1000 in id order. */
status_t db_application_list(struct db *db, arena_t *a, struct caller *caller, struct application **out,
			     size_t *n);
/* ST_NOT_FOUND if the tenant has no such application. */
status_t db_application_get(struct db *db, arena_t *a, struct caller *caller, int64_t id,
			    struct application *out);

/* Which fields an update replaces. */
enum application_fields { APPLICATION_NAME_ONLY, APPLICATION_ALL_FIELDS };
/* Replaces the fields of application id (or, id 0, of app->client_id) and fills app with
 * the stored row. ST_NOT_FOUND if none. */
status_t db_application_update(struct db *db, arena_t *a, struct caller *caller, int64_t id,
			       struct application *app, enum application_fields fields);
/* Deletes application id (or, id 0, client_id) with its secrets, links, grants and tokens. */
status_t db_application_delete(struct db *db, arena_t *a, struct caller *caller, int64_t id,
			       const char *client_id);

/* The tenant's applications among client_ids, in that order, with their grant counts. */
status_t db_application_find(struct db *db, arena_t *a, struct caller *caller, const char *const *client_ids,
			     size_t nids, struct application **out, size_t *n);
/* order_by: 0 id, 1 name, 2 vendor, 3 access validity. */
status_t db_application_enumerate(struct db *db, arena_t *a, struct caller *caller, int start, int count,
				  int order_by, int descending, struct application **out, size_t *n);

struct grant {
	int64_t access_issued_us, grant_issued_us, expires_us;
	const char *application, *grantee, *scope;
};
/* Live grants of the application with client_id. ST_NOT_FOUND: no such application. */
status_t db_application_grants(struct db *db, arena_t *a, struct caller *caller, const char *client_id,
			       int start, int count, struct grant **out, size_t *n, long *total);
/* Revokes every grant of it and all their tokens; *revoked counts grants. */
status_t db_application_revoke_grants(struct db *db, arena_t *a, struct caller *caller, const char *client_id,
				      long *revoked);

#endif

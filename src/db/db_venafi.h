/* Storage for the Venafi dialect: applications by their ApplicationId, identities,
 * grants and grant tokens (hashes only). Management calls check the caller's token in the
 * same statement (DB_AUTH_ANY_CTE); /vedauth calls are the token endpoints themselves. */
#ifndef AUTHZD_DB_VENAFI_H
#define AUTHZD_DB_VENAFI_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "arena.h"
#include "auth/auth.h"
#include "db/db.h"
#include "model/resource.h"
#include "status.h"

struct venafi_app {
	struct application app;      /* app.client_id is the Venafi ApplicationId */
	long grant_count;            /* active grants */
};

/* ST_CONFLICT: the ApplicationId is taken. */
status_t db_vapp_create(struct db *db, arena_t *a, struct auth *auth, const struct application *app);
/* The tenant's applications among ids (JSON array text), in the order found. */
status_t db_vapp_get(struct db *db, arena_t *a, struct auth *auth, const char *ids_json,
		     struct venafi_app **out, size_t *n);
/* order_by: 0 none (id), 1 name, 2 vendor, 3 access validity. */
status_t db_vapp_enumerate(struct db *db, arena_t *a, struct auth *auth, int start, int count,
			   int order_by, int descending, struct venafi_app **out, size_t *n);
/* Replaces every field of the application app->client_id. ST_NOT_FOUND if none. */
status_t db_vapp_update(struct db *db, arena_t *a, struct auth *auth, const struct application *app);
/* Deletes it with its grants and their tokens. ST_NOT_FOUND if none. */
status_t db_vapp_delete(struct db *db, arena_t *a, struct auth *auth, const char *client_id);

struct venafi_grant {
	const char *access_issued_on, *grant_issued_on, *expires;   /* ISO 8601 UTC */
	const char *application, *grantee, *scope;
};
/* Active grants of the application. ST_NOT_FOUND: no such application. */
status_t db_vgrants_enumerate(struct db *db, arena_t *a, struct auth *auth, const char *client_id,
			      int start, int count, struct venafi_grant **out, size_t *n, long *total);
/* Revokes every grant of the application and all their tokens; *revoked counts grants. */
status_t db_vgrants_revoke(struct db *db, arena_t *a, struct auth *auth, const char *client_id, long *revoked);

/* ---- /vedauth ---------------------------------------------------------------------- */

/* What a password login needs: the application (by client id, any tenant) and the
 * identity of that username in the application's tenant. */
struct venafi_login {
	int64_t app_id, tenant_id;
	const char *app_scope, *app_maximum_scope;
	int access_validity, grant_validity, renewable;
	int64_t identity_id;             /* 0: no such user */
	const char *universal, *password_hash, *identity_maximum_scope;
	int enabled;
};
/* ST_NOT_FOUND: no such application. */
status_t db_vauth_lookup(struct db *db, arena_t *a, const char *client_id, const char *username,
			 struct venafi_login *out);

struct venafi_tokens {
	long access_issued, access_expires, grant_issued, grant_expires;   /* unix seconds */
	const char *scope, *identity, *application;
};
/* Creates a grant with its access token and (refresh_hash non-NULL) refresh token. */
status_t db_vauth_grant(struct db *db, arena_t *a, const struct venafi_login *who, const char *scope,
			const char *scope_names, const char *access_hash, const char *refresh_hash,
			struct venafi_tokens *out);
/* Rotates a refresh token of a live, renewable grant of client_id: the old refresh token
 * and the grant's access tokens end, a new pair is stored. ST_NOT_FOUND if the refresh
 * token is unknown, used, expired or revoked. */
status_t db_vauth_refresh(struct db *db, arena_t *a, const char *client_id, const char *refresh_hash,
			  const char *access_hash, const char *new_refresh_hash, struct venafi_tokens *out);
/* The live access token's grant; ST_NOT_FOUND if not live. */
status_t db_vauth_verify(struct db *db, arena_t *a, const char *access_hash, struct venafi_tokens *out);
/* Ends the token's grant and every token of it. ST_NOT_FOUND if the token is not live. */
status_t db_vauth_revoke(struct db *db, arena_t *a, const char *access_hash);

/* ---- authzctl identities ----------------------------------------------------------- */

/* *universal gets "local:{uuid}". ST_CONFLICT: the username exists in the tenant. */
status_t db_identity_create(struct db *db, arena_t *a, const char *tenant, const char *username,
			    const char *password_hash, const char *maximum_scope, const char **universal);
/* Rows: universal, tenant, username, maximum scope, enabled, created_at. */
PGresult *db_identity_list(struct db *db, arena_t *a, const char *tenant, status_t *st);
/* ST_NOT_FOUND if no such enabled identity. Its tokens stop working at once. */
status_t db_identity_disable(struct db *db, arena_t *a, const char *tenant, const char *username);

#endif

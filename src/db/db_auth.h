/* Management credentials, access tokens and login throttling; and the SQL fragment that
 * checks a bearer token inside the statement serving the request. */
#ifndef AUTHZD_DB_AUTH_H
#define AUTHZD_DB_AUTH_H

#include <stdint.h>

#include <libpq-fe.h>

#include "arena.h"
#include "auth/auth.h"
#include "db/db.h"
#include "status.h"

/* Every statement serving a protected route starts with this CTE: $1 is the token hash
 * (bytea), $2 the text[] of scopes that satisfy the route. `auth` has exactly one row:
 * status 200/401/403 with the caller's tenant and credential; `ok` has that row only
 * when the caller may proceed. Result columns 0..2 are then status, tenant, credential. */
#define DB_AUTH_CTE \
	"auth AS (" \
	"  SELECT CASE WHEN t.credential_id IS NULL THEN 401" \
	"              WHEN NOT (t.scopes && $2::text[]) THEN 403 ELSE 200 END AS status," \
	"         t.tenant_id, t.credential_id" \
	"  FROM (SELECT 1) AS one LEFT JOIN (" \
	"    SELECT c.tenant_id, tk.credential_id, c.scopes FROM access_tokens tk" \
	"    JOIN api_credentials c ON c.id = tk.credential_id" \
	"    WHERE tk.token_hash = $1::bytea AND tk.expires_at > now()" \
	"      AND tk.revoked_at IS NULL AND c.revoked_at IS NULL) AS t ON true" \
	"), ok AS (SELECT tenant_id, credential_id FROM auth WHERE status = 200)"
#define DB_AUTH_COLUMNS "auth.status, auth.tenant_id, auth.credential_id"

/* The same for routes that also take Venafi tokens (from /vedauth): such a token carries
 * its grant's scope names prefixed "venafi:" and no credential. */
#define DB_AUTH_ANY_CTE \
	"auth AS (" \
	"  SELECT CASE WHEN t.tenant_id IS NULL THEN 401" \
	"              WHEN NOT (t.scopes && $2::text[]) THEN 403 ELSE 200 END AS status," \
	"         t.tenant_id, t.credential_id" \
	"  FROM (SELECT 1) AS one LEFT JOIN (" \
	"    SELECT c.tenant_id, tk.credential_id, c.scopes FROM access_tokens tk" \
	"    JOIN api_credentials c ON c.id = tk.credential_id" \
	"    WHERE tk.token_hash = $1::bytea AND tk.expires_at > now()" \
	"      AND tk.revoked_at IS NULL AND c.revoked_at IS NULL" \
	"    UNION ALL" \
	"    SELECT i.tenant_id, NULL::bigint, ARRAY(SELECT 'venafi:' || n FROM unnest(g.scope_names) AS n)" \
	"    FROM grant_tokens gt JOIN grants g ON g.id = gt.grant_id JOIN identities i ON i.id = g.identity_id" \
	"    WHERE gt.token_hash = $1::bytea AND gt.kind = 'access' AND gt.expires_at > now()" \
	"      AND gt.revoked_at IS NULL AND g.revoked_at IS NULL AND g.expires_at > now() AND i.enabled" \
	"    LIMIT 1) AS t ON true" \
	"), ok AS (SELECT tenant_id, credential_id FROM auth WHERE status = 200)"
#define DB_AUTH_NCOLS 3

/* Reads the auth columns of row 0 into a: ST_OK (and a->verified), ST_UNAUTHORIZED or
 * ST_FORBIDDEN. */
status_t db_auth_result(PGresult *res, struct auth *a);
/* Checks the token alone, for answers that needed no other query (a 400, a static list). */
status_t db_auth_check(struct db *db, arena_t *a, struct auth *auth);

/* What a login needs to know about client_id (all zero if unknown). */
struct db_login {
	int64_t credential_id;          /* 0: no such client */
	int64_t tenant_id;
	unsigned char secret_hash[32];
	int revoked;
	int token_ttl_seconds;          /* the credential's, or the service default */
	int recent_failures;            /* within the current throttling window */
	int retry_after;                /* seconds until the window ends */
};

#define DB_LOGIN_WINDOW_SECONDS 60
#define DB_LOGIN_MAX_FAILURES 10

status_t db_login_lookup(struct db *db, arena_t *a, const char *client_id, int default_ttl,
			 struct db_login *out);
/* Counts a failed login for client_id (and audits it); *failures gets the new count. */
status_t db_login_failed(struct db *db, arena_t *a, const char *client_id,
			 const struct db_login *who, int *failures);

struct db_token {
	const char *created_at;         /* ISO 8601, UTC */
	int expires_in;                 /* seconds */
};
/* Stores a new token (hashes only), marks the credential used, clears failures, audits. */
status_t db_token_issue(struct db *db, arena_t *a, const struct db_login *who,
			const char *client_id, const char *token_hash, const char *refresh_hash,
			struct db_token *out);
/* Revokes the token if it belongs to credential; *revoked is 0 or 1. */
status_t db_token_revoke(struct db *db, arena_t *a, const struct db_login *who,
			 const char *token_hash, int *revoked);

/* authzctl: credentials. scopes is a text[] literal; ttl 0 = service default. */
status_t db_credential_create(struct db *db, arena_t *a, const char *tenant, const char *client_id,
			      const char *secret_hash, const char *scopes, int ttl,
			      const char *description, int64_t *tenant_id);
/* Rows: client_id, tenant, scopes, created_at, last_used_at, revoked_at. */
PGresult *db_credential_list(struct db *db, arena_t *a, const char *tenant, status_t *st);
/* ST_NOT_FOUND if no such active credential. Its tokens stop working at once. */
status_t db_credential_revoke(struct db *db, arena_t *a, const char *client_id);

#endif

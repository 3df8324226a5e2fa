/* Logins: management credentials' tokens (OneLogin's /auth/oauth2) and identities'
 * password grants (Venafi's /vedauth), with the throttle all logins share
 * (sql/api/50_logins.sql). Secrets and tokens arrive here as SHA-256 digests only. */
#ifndef AUTHZD_DB_LOGIN_H
#define AUTHZD_DB_LOGIN_H

#include <stdint.h>

#include "core/arena.h"
#include "core/caller.h"
#include "core/crypto.h"
#include "db/db.h"

/* How a login ended. */
enum login_outcome { LOGIN_OK, LOGIN_DENIED, LOGIN_THROTTLED };

struct management_token {
	enum login_outcome outcome;
	int retry_after;          /* LOGIN_THROTTLED: seconds */
	int64_t tenant_id;
	int64_t created_us;
	int expires_in;           /* seconds */
};

/* Client id with the digest of its secret: on success a token (and refresh token) stored
 * as digests, lifetime the credential's or default_ttl. A failure is counted and audited. */
status_t db_management_token_issue(struct db *db, arena_t *a, const char *client_id,
				   const unsigned char secret_hash[CRYPTO_SHA256_LEN],
				   const unsigned char token_hash[CRYPTO_SHA256_LEN],
				   const unsigned char refresh_hash[CRYPTO_SHA256_LEN], int default_ttl,
				   struct management_token *out);
/* Logs in as for a token, then revokes token_hash if it is that credential's (anything
 * else changes nothing and answers the same). */
status_t db_management_token_revoke(struct db *db, arena_t *a, const char *client_id,
				    const unsigned char secret_hash[CRYPTO_SHA256_LEN],
				    const unsigned char token_hash[CRYPTO_SHA256_LEN], enum login_outcome *outcome,
				    int *retry_after);

/* ---- /vedauth (caller: the tenant of the request's host) ------------------------------- */

struct vedauth_login {
	int64_t app_id;
	const char *app_scope, *app_maximum_scope;   /* "" when none */
	int renewable;
	int64_t identity_id;             /* 0: no such user */
	const char *universal, *password_hash, *identity_maximum_scope;
	int enabled;
	int retry_after;                 /* > 0: the username is throttled */
};
/* ST_NOT_FOUND: the tenant has no such application. */
status_t db_vedauth_lookup(struct db *db, arena_t *a, struct caller *caller, const char *client_id,
			   const char *username, struct vedauth_login *out);
/* Counts a failed password of username. */
status_t db_vedauth_failed(struct db *db, arena_t *a, struct caller *caller, const char *username);

struct vedauth_tokens {
	int64_t access_issued_us, access_expires_us, grant_issued_us, grant_expires_us;
	const char *scope, *identity, *application;
};
/* A grant with its access token and (refresh_hash non-NULL) refresh token. scope_names:
 * the scope's names alone ("admin", "certificate"), which admin checks compare. */
status_t db_vedauth_grant(struct db *db, arena_t *a, struct caller *caller, const struct vedauth_login *who,
			  const char *username, const char *scope, const char *const *scope_names, size_t nnames,
			  const unsigned char access_hash[CRYPTO_SHA256_LEN], const unsigned char *refresh_hash,
			  struct vedauth_tokens *out);
/* Rotates a live refresh token of client_id. ST_NOT_FOUND if it is not live. */
status_t db_vedauth_refresh(struct db *db, arena_t *a, struct caller *caller, const char *client_id,
			    const unsigned char refresh_hash[CRYPTO_SHA256_LEN],
			    const unsigned char access_hash[CRYPTO_SHA256_LEN],
			    const unsigned char new_refresh_hash[CRYPTO_SHA256_LEN], struct vedauth_tokens *out);
/* The live access token's grant; ST_NOT_FOUND if not live. */
status_t db_vedauth_verify(struct db *db, arena_t *a, struct caller *caller,
			   const unsigned char access_hash[CRYPTO_SHA256_LEN], struct vedauth_tokens *out);
/* Ends the token's grant and every token of it. ST_NOT_FOUND if the token is not live. */
status_t db_vedauth_revoke(struct db *db, arena_t *a, struct caller *caller,
			   const unsigned char access_hash[CRYPTO_SHA256_LEN]);

#endif

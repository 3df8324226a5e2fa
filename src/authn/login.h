/* Who is calling, for the endpoints that take credentials rather than a token: management
 * credentials (OneLogin's /auth/oauth2) and identities' passwords (Venafi's /vedauth). One
 * throttle for every login form: after 10 failures of one subject within a minute it is
 * refused with 429 until the window ends, its right secret included. Dialects only render
 * what these return. */
#ifndef AUTHZD_AUTHN_LOGIN_H
#define AUTHZD_AUTHN_LOGIN_H

#include <stdint.h>

#include "core/arena.h"
#include "core/caller.h"
#include "core/status.h"
#include "db/db_login.h"

struct db;

struct authn_token {
	const char *access_token, *refresh_token;    /* shown once; stored as digests */
	int64_t tenant_id;
	int64_t created_us;
	int expires_in;
};

/* A management credential's login and a new token. ST_OK; ST_UNAUTHORIZED (unknown,
 * revoked or wrong secret: one answer for all); ST_RATE_LIMITED with *retry_after. */
status_t authn_management_token(struct db *db, arena_t *a, const char *client_id, const char *secret,
				int default_ttl, struct authn_token *out, int *retry_after);
/* Logs in, then revokes token if it is that credential's (unknown tokens change nothing). */
status_t authn_management_revoke(struct db *db, arena_t *a, const char *client_id, const char *secret,
				 const char *token, int *retry_after);

/* An identity's password login for application client_id in caller's tenant (found by
 * host): ST_OK with *who; ST_NOT_FOUND (no such application); ST_UNAUTHORIZED (no such
 * user, wrong password or disabled; counted); ST_RATE_LIMITED with who->retry_after. An
 * unknown user costs the same Argon2 time as a wrong password. */
status_t authn_identity_login(struct db *db, arena_t *a, struct caller *caller, const char *client_id,
			      const char *username, const char *password, struct vedauth_login *who);

#endif

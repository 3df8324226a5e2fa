/* The login core: secrets are hashed here (SHA-256 for our random secrets, Argon2id for
 * passwords), compared where their digests live, and failures counted in one place. */
#include "authn/login.h"

#include "authn/password.h"
#include "core/crypto.h"
#include "core/metrics.h"

/* Counted for /metrics here, where every login form ends. */
static status_t outcome_status(enum login_outcome o)
{
	if (o == LOGIN_THROTTLED)
		metrics_login_throttled(METRICS_LOGIN_MANAGEMENT);
	else if (o != LOGIN_OK)
		metrics_login_failed(METRICS_LOGIN_MANAGEMENT);
	return o == LOGIN_OK ? ST_OK : o == LOGIN_THROTTLED ? ST_RATE_LIMITED : ST_UNAUTHORIZED;
}

status_t authn_management_token(struct db *db, arena_t *a, const char *client_id, const char *secret,
				int default_ttl, struct authn_token *out, int *retry_after)
{
	unsigned char secret_hash[CRYPTO_SHA256_LEN], token_hash[CRYPTO_SHA256_LEN], refresh_hash[CRYPTO_SHA256_LEN];
	struct management_token t;
	out->access_token = crypto_random_hex(a, 32);
	out->refresh_token = crypto_random_hex(a, 32);
	crypto_sha256_str(secret, secret_hash);
	crypto_sha256_str(out->access_token, token_hash);
	crypto_sha256_str(out->refresh_token, refresh_hash);
	status_t st = db_management_token_issue(db, a, client_id, secret_hash, token_hash, refresh_hash,
						default_ttl, &t);
	if (st != ST_OK)
		return st;
	*retry_after = t.retry_after;
	out->tenant_id = t.tenant_id;
	out->created_us = t.created_us;
	out->expires_in = t.expires_in;
	return outcome_status(t.outcome);
}

status_t authn_management_revoke(struct db *db, arena_t *a, const char *client_id, const char *secret,
				 const char *token, int *retry_after)
{
	unsigned char secret_hash[CRYPTO_SHA256_LEN], token_hash[CRYPTO_SHA256_LEN];
	enum login_outcome outcome;
	crypto_sha256_str(secret, secret_hash);
	crypto_sha256_str(token, token_hash);
	status_t st = db_management_token_revoke(db, a, client_id, secret_hash, token_hash, &outcome, retry_after);
	return st != ST_OK ? st : outcome_status(outcome);
}

status_t authn_identity_login(struct db *db, arena_t *a, struct caller *caller, const char *client_id,
			      const char *username, const char *password, struct vedauth_login *who)
{
	status_t st = db_vedauth_lookup(db, a, caller, client_id, username, who);
	if (st == ST_NOT_FOUND)
		password_burn(password);
	if (st != ST_OK)
		return st;
	if (who->retry_after > 0) {
		metrics_login_throttled(METRICS_LOGIN_IDENTITY);
		return ST_RATE_LIMITED;
	}
	int ok;
	if (who->identity_id == 0) {
		password_burn(password);
		ok = 0;
	} else {
		ok = password_verify(who->password_hash, password) && who->enabled;
	}
	if (ok)
		return ST_OK;
	metrics_login_failed(METRICS_LOGIN_IDENTITY);
	st = db_vedauth_failed(db, a, caller, username);
	return st != ST_OK ? st : ST_UNAUTHORIZED;
}

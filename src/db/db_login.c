/* Logins (src/db/sql/management_token_*.sql, vedauth_*.sql). */
#include "db/db_login.h"

#include <string.h>

#include "db/db_internal.h"

static enum login_outcome outcome_of(const char *s)
{
	if (s != NULL && strcmp(s, "ok") == 0)
		return LOGIN_OK;
	return s != NULL && strcmp(s, "throttled") == 0 ? LOGIN_THROTTLED : LOGIN_DENIED;
}

status_t db_management_token_issue(struct db *db, arena_t *a, const char *client_id,
				   const unsigned char secret_hash[CRYPTO_SHA256_LEN],
				   const unsigned char token_hash[CRYPTO_SHA256_LEN],
				   const unsigned char refresh_hash[CRYPTO_SHA256_LEN], int default_ttl,
				   struct management_token *out)
{
	struct db_rows rows;
	memset(out, 0, sizeof(*out));
	status_t st = db_call(db, a, NULL, DB_STMT_MANAGEMENT_TOKEN_ISSUE, &rows, "thhhi", client_id, secret_hash,
			      token_hash, refresh_hash, (int64_t)default_ttl);
	if (st != ST_OK)
		return st;
	out->outcome = outcome_of(db_text(&rows, 0, "outcome"));
	out->retry_after = (int)db_int(&rows, 0, "retry_after");
	out->tenant_id = db_int(&rows, 0, "tenant_id");
	out->created_us = db_int(&rows, 0, "created_us");
	out->expires_in = (int)db_int(&rows, 0, "expires_in");
	return ST_OK;
}

status_t db_management_token_revoke(struct db *db, arena_t *a, const char *client_id,
				    const unsigned char secret_hash[CRYPTO_SHA256_LEN],
				    const unsigned char token_hash[CRYPTO_SHA256_LEN], enum login_outcome *outcome,
				    int *retry_after)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_MANAGEMENT_TOKEN_REVOKE, &rows, "thh", client_id, secret_hash,
			      token_hash);
	if (st != ST_OK)
		return st;
	*outcome = outcome_of(db_text(&rows, 0, "outcome"));
	*retry_after = (int)db_int(&rows, 0, "retry_after");
	return ST_OK;
}

status_t db_vedauth_lookup(struct db *db, arena_t *a, struct caller *caller, const char *client_id,
			   const char *username, struct vedauth_login *out)
{
	struct db_rows rows;
	memset(out, 0, sizeof(*out));
	status_t st = db_call(db, a, caller, DB_STMT_VEDAUTH_LOOKUP, &rows, "tt", client_id, username);
	if (st != ST_OK)
		return st;
	if (rows.n != 1)
		return ST_NOT_FOUND;
	out->app_id = db_int(&rows, 0, "application_id");
	out->app_scope = db_text(&rows, 0, "app_scope");
	out->app_maximum_scope = db_text(&rows, 0, "app_maximum_scope");
	out->renewable = db_bool(&rows, 0, "renewable");
	out->identity_id = db_int(&rows, 0, "identity_id");
	out->universal = db_text(&rows, 0, "universal");
	out->password_hash = db_text(&rows, 0, "password_hash");
	out->identity_maximum_scope = db_text(&rows, 0, "identity_maximum_scope");
	out->enabled = db_bool(&rows, 0, "enabled");
	out->retry_after = (int)db_int(&rows, 0, "retry_after");
	return ST_OK;
}

status_t db_vedauth_failed(struct db *db, arena_t *a, struct caller *caller, const char *username)
{
	return db_call(db, a, caller, DB_STMT_VEDAUTH_FAILED, NULL, "t", username);
}

static void read_tokens(const struct db_rows *rows, struct vedauth_tokens *out)
{
	out->access_issued_us = db_int(rows, 0, "access_issued_us");
	out->access_expires_us = db_int(rows, 0, "access_expires_us");
	out->grant_issued_us = db_int(rows, 0, "grant_issued_us");
	out->grant_expires_us = db_int(rows, 0, "grant_expires_us");
	if (PQfnumber(rows->res, "scope") >= 0) {
		out->scope = db_text(rows, 0, "scope");
		out->identity = db_text(rows, 0, "identity");
		out->application = db_text(rows, 0, "application");
	}
}

/* A result of one row of token times (or none: ST_NOT_FOUND), into out. */
static status_t tokens(status_t st, const struct db_rows *rows, struct vedauth_tokens *out)
{
	if (st != ST_OK)
		return st;
	if (rows->n != 1)
		return ST_NOT_FOUND;
	read_tokens(rows, out);
	return ST_OK;
}

status_t db_vedauth_grant(struct db *db, arena_t *a, struct caller *caller, const struct vedauth_login *who,
			  const char *username, const char *scope, const char *const *scope_names, size_t nnames,
			  const unsigned char access_hash[CRYPTO_SHA256_LEN], const unsigned char *refresh_hash,
			  struct vedauth_tokens *out)
{
	struct db_rows rows;
	memset(out, 0, sizeof(*out));
	status_t st = db_call(db, a, caller, DB_STMT_VEDAUTH_GRANT, &rows, "iittahh", who->app_id, who->identity_id,
			      username, scope, scope_names, nnames, access_hash, refresh_hash);
	return tokens(st, &rows, out);
}

status_t db_vedauth_refresh(struct db *db, arena_t *a, struct caller *caller, const char *client_id,
			    const unsigned char refresh_hash[CRYPTO_SHA256_LEN],
			    const unsigned char access_hash[CRYPTO_SHA256_LEN],
			    const unsigned char new_refresh_hash[CRYPTO_SHA256_LEN], struct vedauth_tokens *out)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_VEDAUTH_REFRESH, &rows, "thhh", client_id, refresh_hash,
			      access_hash, new_refresh_hash);
	return tokens(st, &rows, out);
}

status_t db_vedauth_verify(struct db *db, arena_t *a, struct caller *caller,
			   const unsigned char access_hash[CRYPTO_SHA256_LEN], struct vedauth_tokens *out)
{
	struct db_rows rows;
	return tokens(db_call(db, a, caller, DB_STMT_VEDAUTH_VERIFY, &rows, "h", access_hash), &rows, out);
}

status_t db_vedauth_revoke(struct db *db, arena_t *a, struct caller *caller,
			   const unsigned char access_hash[CRYPTO_SHA256_LEN])
{
	return db_call(db, a, caller, DB_STMT_VEDAUTH_REVOKE, NULL, "h", access_hash);
}

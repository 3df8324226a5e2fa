/* SQL for management credentials and tokens. Tokens and secrets arrive here already
 * hashed; nothing in this file ever sees one in the clear. */
#include "db/db_auth.h"

#include <stdlib.h>
#include <string.h>

#include "auth/crypto.h"

#define ISO_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define WINDOW "interval '60 seconds'"

enum { S_LOOKUP, S_FAILED, S_ISSUE, S_REVOKE, S_CRED_CREATE, S_CRED_LIST, S_CRED_REVOKE, S_CHECK,
       S_CHECK_ANY };

const struct db_stmt db_auth_stmts[] = {
	[S_LOOKUP] = { "login_lookup",
		"SELECT c.id, c.tenant_id, encode(c.secret_hash, 'hex'), c.revoked_at IS NOT NULL,"
		"  coalesce(c.token_ttl_seconds, $2::int), coalesce(f.failures, 0),"
		"  coalesce(ceil(extract(epoch FROM f.window_started_at + " WINDOW " - now()))::int, 0)"
		" FROM (SELECT 1) AS one"
		" LEFT JOIN api_credentials c ON c.client_id = $1"
		" LEFT JOIN login_failures f ON f.client_id = left($1, 256)"
		"   AND f.window_started_at > now() - " WINDOW, 2 },
	[S_FAILED] = { "login_failed",
		"WITH f AS ("
		"  INSERT INTO login_failures AS lf (client_id, failures, window_started_at)"
		"  VALUES (left($1, 256), 1, now())"
		"  ON CONFLICT (client_id) DO UPDATE SET"
		"    failures = CASE WHEN lf.window_started_at > now() - " WINDOW
		"                    THEN lf.failures + 1 ELSE 1 END,"
		"    window_started_at = CASE WHEN lf.window_started_at > now() - " WINDOW
		"                    THEN lf.window_started_at ELSE now() END"
		"  RETURNING failures"
		"), ev AS ("
		"  INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id)"
		"  VALUES ($2::bigint, $3::bigint, 'login.failed', 'credential', left($1, 256))"
		") SELECT failures FROM f", 3 },
	/* last_used_at is kept to the minute: writing it on every login would queue all
	 * logins of one credential behind a single row lock. */
	[S_ISSUE] = { "token_issue",
		"WITH t AS ("
		"  INSERT INTO access_tokens (token_hash, refresh_token_hash, credential_id, expires_at)"
		"  VALUES ($1::bytea, $2::bytea, $3, now() + make_interval(secs => $4::int))"
		"  RETURNING created_at, expires_at"
		"), u AS (UPDATE api_credentials SET last_used_at = now() WHERE id = $3"
		"    AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')"
		"), f AS (DELETE FROM login_failures WHERE client_id = left($5, 256)"
		"), ev AS ("
		"  INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, after)"
		"  SELECT $6::bigint, $3, 'token.issue', 'access_token', left(encode($1::bytea, 'hex'), 12),"
		"         jsonb_build_object('expires_at', t.expires_at) FROM t"
		") SELECT " ISO_UTC("created_at") ", extract(epoch FROM expires_at - created_at)::int FROM t", 6 },
	[S_REVOKE] = { "token_revoke",
		"WITH t AS ("
		"  UPDATE access_tokens SET revoked_at = now()"
		"  WHERE token_hash = $1::bytea AND credential_id = $2 AND revoked_at IS NULL"
		"  RETURNING token_hash"
		"), ev AS ("
		"  INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id)"
		"  SELECT $3::bigint, $2, 'token.revoke', 'access_token', left(encode(token_hash, 'hex'), 12)"
		"  FROM t"
		") SELECT count(*) FROM t", 3 },
	[S_CRED_CREATE] = { "credential_create",
		"WITH tn AS ("
		"  INSERT INTO tenants (name) VALUES ($1)"
		"  ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id"
		"), c AS ("
		"  INSERT INTO api_credentials (tenant_id, client_id, secret_hash, scopes, token_ttl_seconds, description)"
		"  SELECT id, $2, $3::bytea, $4::text[], nullif($5::int, 0), $6 FROM tn"
		"  RETURNING id, tenant_id"
		"), ev AS ("
		"  INSERT INTO audit_events (tenant_id, action, object_type, object_id, after)"
		"  SELECT tenant_id, 'credential.create', 'credential', $2,"
		"         jsonb_build_object('scopes', $4::text[], 'token_ttl_seconds', nullif($5::int, 0),"
		"                            'description', $6::text)"
		"  FROM c"
		") SELECT tenant_id FROM c", 6 },
	[S_CRED_LIST] = { "credential_list",
		"SELECT c.client_id, t.name, array_to_string(c.scopes, ', '),"
		"  " ISO_UTC("c.created_at") ", " ISO_UTC("c.last_used_at") ", " ISO_UTC("c.revoked_at")
		" FROM api_credentials c JOIN tenants t ON t.id = c.tenant_id"
		" WHERE $1::text IS NULL OR t.name = $1 ORDER BY c.id", 1 },
	[S_CRED_REVOKE] = { "credential_revoke",
		"WITH c AS ("
		"  UPDATE api_credentials SET revoked_at = now()"
		"  WHERE client_id = $1 AND revoked_at IS NULL RETURNING id, tenant_id"
		"), ev AS ("
		"  INSERT INTO audit_events (tenant_id, action, object_type, object_id, before, after)"
		"  SELECT tenant_id, 'credential.revoke', 'credential', $1,"
		"         '{\"revoked\": false}', '{\"revoked\": true}' FROM c"
		") SELECT count(*) FROM c", 1 },
	[S_CHECK] = { "auth_check", "WITH " DB_AUTH_CTE " SELECT " DB_AUTH_COLUMNS " FROM auth", 2 },
	[S_CHECK_ANY] = { "auth_check_any", "WITH " DB_AUTH_ANY_CTE " SELECT " DB_AUTH_COLUMNS " FROM auth", 2 },
	{ NULL, NULL, 0 },
};

status_t db_auth_result(PGresult *res, struct auth *a)
{
	if (PQntuples(res) < 1)
		return ST_INTERNAL;
	int status = atoi(PQgetvalue(res, 0, 0));
	if (status == 401)
		return ST_UNAUTHORIZED;
	if (status == 403)
		return ST_FORBIDDEN;
	a->tenant_id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	a->credential_id = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	a->verified = 1;
	return ST_OK;
}

status_t db_auth_check(struct db *db, arena_t *a, struct auth *auth)
{
	status_t st;
	/* Venafi routes accept Venafi tokens too; their scope sets name "venafi:" scopes */
	int any = strstr(auth->scopes, "venafi:") != NULL;
	const char *p[2] = { auth->token_hash, auth->scopes };
	PGresult *res = db_exec(db, a, &db_auth_stmts[any ? S_CHECK_ANY : S_CHECK], p, &st, NULL);
	if (res == NULL)
		return st;
	return db_auth_result(res, auth);
}

status_t db_login_lookup(struct db *db, arena_t *a, const char *client_id, int default_ttl,
			 struct db_login *out)
{
	status_t st;
	const char *p[2] = { client_id, db_i64(a, default_ttl) };
	memset(out, 0, sizeof(*out));
	PGresult *res = db_exec(db, a, &db_auth_stmts[S_LOOKUP], p, &st, NULL);
	if (res == NULL)
		return st;
	out->recent_failures = atoi(PQgetvalue(res, 0, 5));
	out->retry_after = atoi(PQgetvalue(res, 0, 6));
	if (PQgetisnull(res, 0, 0))
		return ST_OK;
	out->credential_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	out->tenant_id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	if (crypto_unhex(PQgetvalue(res, 0, 2), out->secret_hash, sizeof(out->secret_hash)) != 0)
		return ST_INTERNAL;
	out->revoked = PQgetvalue(res, 0, 3)[0] == 't';
	out->token_ttl_seconds = atoi(PQgetvalue(res, 0, 4));
	return ST_OK;
}

status_t db_login_failed(struct db *db, arena_t *a, const char *client_id,
			 const struct db_login *who, int *failures)
{
	status_t st;
	const char *p[3] = { client_id, who->credential_id ? db_i64(a, who->tenant_id) : NULL,
			     who->credential_id ? db_i64(a, who->credential_id) : NULL };
	PGresult *res = db_exec(db, a, &db_auth_stmts[S_FAILED], p, &st, NULL);
	if (res == NULL)
		return st;
	*failures = atoi(PQgetvalue(res, 0, 0));
	return ST_OK;
}

status_t db_token_issue(struct db *db, arena_t *a, const struct db_login *who,
			const char *client_id, const char *token_hash, const char *refresh_hash,
			struct db_token *out)
{
	status_t st;
	const char *p[6] = { token_hash, refresh_hash, db_i64(a, who->credential_id),
			     db_i64(a, who->token_ttl_seconds), client_id, db_i64(a, who->tenant_id) };
	PGresult *res = db_exec(db, a, &db_auth_stmts[S_ISSUE], p, &st, NULL);
	if (res == NULL)
		return st;
	out->created_at = PQgetvalue(res, 0, 0);
	out->expires_in = atoi(PQgetvalue(res, 0, 1));
	return ST_OK;
}

status_t db_token_revoke(struct db *db, arena_t *a, const struct db_login *who,
			 const char *token_hash, int *revoked)
{
	status_t st;
	const char *p[3] = { token_hash, db_i64(a, who->credential_id), db_i64(a, who->tenant_id) };
	PGresult *res = db_exec(db, a, &db_auth_stmts[S_REVOKE], p, &st, NULL);
	if (res == NULL)
		return st;
	*revoked = atoi(PQgetvalue(res, 0, 0));
	return ST_OK;
}

status_t db_credential_create(struct db *db, arena_t *a, const char *tenant, const char *client_id,
			      const char *secret_hash, const char *scopes, int ttl,
			      const char *description, int64_t *tenant_id)
{
	status_t st;
	const char *p[6] = { tenant, client_id, secret_hash, scopes, db_i64(a, ttl), description };
	PGresult *res = db_exec(db, a, &db_auth_stmts[S_CRED_CREATE], p, &st, NULL);
	if (res == NULL)
		return st;
	*tenant_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	return ST_OK;
}

PGresult *db_credential_list(struct db *db, arena_t *a, const char *tenant, status_t *st)
{
	const char *p[1] = { tenant };
	return db_exec(db, a, &db_auth_stmts[S_CRED_LIST], p, st, NULL);
}

status_t db_credential_revoke(struct db *db, arena_t *a, const char *client_id)
{
	status_t st;
	const char *p[1] = { client_id };
	PGresult *res = db_exec(db, a, &db_auth_stmts[S_CRED_REVOKE], p, &st, NULL);
	if (res == NULL)
		return st;
	return atoi(PQgetvalue(res, 0, 0)) == 1 ? ST_OK : ST_NOT_FOUND;
}

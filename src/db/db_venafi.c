/* SQL for the Venafi dialect. Management statements start with DB_AUTH_ANY_CTE ($1 token
 * hash, $2 accepted scopes) and their rows with the auth columns. */
#include "db/db_venafi.h"

#include <stdlib.h>
#include <string.h>

#include "db/db_application.h"
#include "db/db_auth.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define EPOCH(col) "extract(epoch FROM " col ")::bigint"
#define ACTIVE_GRANT(g) "(" g ".revoked_at IS NULL AND " g ".expires_at > now())"
#define APP_COLS \
	"x.id, x.client_id, x.name, x.description, x.vendor, x.url, x.scope, x.maximum_scope," \
	" x.access_validity_seconds, x.grant_validity_seconds, x.renewable," \
	" (SELECT count(*) FROM grants g WHERE g.application_id = x.id AND " ACTIVE_GRANT("g") ")"
#define APP_DOC(x) "(to_jsonb(" x ") - 'id' - 'tenant_id' - 'created_at' - 'updated_at' - 'uuid')"
#define DATA0 DB_AUTH_NCOLS

enum { S_CREATE, S_GET, S_ENUM, S_UPDATE, S_DELETE, S_GRANTS, S_REVOKE_GRANTS,
       S_LOOKUP, S_GRANT, S_REFRESH, S_VERIFY, S_REVOKE, S_ID_CREATE, S_ID_LIST, S_ID_DISABLE };

const struct db_stmt db_venafi_stmts[] = {
	[S_CREATE] = { "vapp_create",
		"WITH " DB_AUTH_ANY_CTE ", x AS ("
		"  INSERT INTO applications (tenant_id, client_id, name, description, vendor, url, scope,"
		"    maximum_scope, access_validity_seconds, grant_validity_seconds, renewable)"
		"  SELECT tenant_id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM ok"
		"  ON CONFLICT (client_id) DO NOTHING RETURNING *"
		"), ev AS (INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, after)"
		"  SELECT ok.tenant_id, ok.credential_id, 'application.create', 'application', x.id::text, " APP_DOC("x")
		"  FROM x, ok"
		") SELECT " DB_AUTH_COLUMNS ", x.id FROM auth LEFT JOIN x ON true", 12 },
	[S_GET] = { "vapp_get",
		"WITH " DB_AUTH_ANY_CTE ", want AS ("
		"  SELECT v, ord FROM jsonb_array_elements_text($3::jsonb) WITH ORDINALITY AS w(v, ord))"
		" SELECT " DB_AUTH_COLUMNS ", y.* FROM auth LEFT JOIN LATERAL ("
		"  SELECT " APP_COLS ", want.ord FROM want JOIN LATERAL ("
		"    SELECT * FROM applications a WHERE a.client_id = want.v LIMIT 1) AS x ON true"
		"  WHERE x.tenant_id = auth.tenant_id AND auth.status = 200) AS y ON true ORDER BY y.ord", 3 },
	[S_ENUM] = { "vapp_enumerate",
		"WITH " DB_AUTH_ANY_CTE
		" SELECT " DB_AUTH_COLUMNS ", y.* FROM auth LEFT JOIN LATERAL ("
		"  SELECT " APP_COLS " FROM applications x WHERE x.tenant_id = auth.tenant_id AND auth.status = 200"
		"  ORDER BY"
		"   CASE WHEN NOT $6::boolean THEN CASE $5::int WHEN 1 THEN lower(x.name)"
		"     WHEN 2 THEN lower(coalesce(x.vendor, '')) END END ASC,"
		"   CASE WHEN $6::boolean THEN CASE $5::int WHEN 1 THEN lower(x.name)"
		"     WHEN 2 THEN lower(coalesce(x.vendor, '')) END END DESC,"
		"   CASE WHEN NOT $6::boolean AND $5::int = 3 THEN x.access_validity_seconds END ASC,"
		"   CASE WHEN $6::boolean AND $5::int = 3 THEN x.access_validity_seconds END DESC,"
		"   CASE WHEN $6::boolean AND $5::int = 0 THEN x.id END DESC, x.id"
		"  OFFSET $3 LIMIT $4) AS y ON true", 6 },
	[S_UPDATE] = { "vapp_update",
		"WITH " DB_AUTH_ANY_CTE ", old AS ("
		"  SELECT * FROM applications WHERE client_id = $3 AND tenant_id = (SELECT tenant_id FROM ok) FOR UPDATE"
		"), x AS (UPDATE applications a SET name = $4, description = $5, vendor = $6, url = $7, scope = $8,"
		"    maximum_scope = $9, access_validity_seconds = $10, grant_validity_seconds = $11, renewable = $12,"
		"    updated_at = greatest(now(), a.created_at)"
		"  FROM old WHERE a.id = old.id RETURNING a.*"
		"), ev AS (INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, before, after)"
		"  SELECT ok.tenant_id, ok.credential_id, 'application.update', 'application', x.id::text,"
		"    " APP_DOC("old") ", " APP_DOC("x") " FROM x, old, ok"
		") SELECT " DB_AUTH_COLUMNS ", x.id FROM auth LEFT JOIN x ON true", 12 },
	[S_DELETE] = { "vapp_delete",
		"WITH " DB_AUTH_ANY_CTE ", x AS ("
		"  DELETE FROM applications WHERE client_id = $3 AND tenant_id = (SELECT tenant_id FROM ok) RETURNING *"
		"), ev AS (INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, before)"
		"  SELECT ok.tenant_id, ok.credential_id, 'application.delete', 'application', x.id::text, " APP_DOC("x")
		"  FROM x, ok"
		") SELECT " DB_AUTH_COLUMNS ", x.id FROM auth LEFT JOIN x ON true", 3 },
	[S_GRANTS] = { "vgrants_enumerate",
		"WITH " DB_AUTH_ANY_CTE ", app AS ("
		"  SELECT id, client_id FROM applications WHERE client_id = $3 AND tenant_id = (SELECT tenant_id FROM ok)"
		"), live AS (SELECT g.* FROM grants g, app WHERE g.application_id = app.id AND " ACTIVE_GRANT("g") ")"
		" SELECT " DB_AUTH_COLUMNS ", (SELECT count(*) FROM app), (SELECT count(*) FROM live), y.*"
		" FROM auth LEFT JOIN LATERAL ("
		"  SELECT " ISO("l.access_issued_at") ", " ISO("l.issued_at") ", " ISO("l.expires_at") ","
		"   app.client_id, 'local:{' || i.universal || '}', l.scope"
		"  FROM live l JOIN identities i ON i.id = l.identity_id, app ORDER BY l.id OFFSET $4 LIMIT $5) AS y ON true", 5 },
	[S_REVOKE_GRANTS] = { "vgrants_revoke",
		"WITH " DB_AUTH_ANY_CTE ", app AS ("
		"  SELECT id FROM applications WHERE client_id = $3 AND tenant_id = (SELECT tenant_id FROM ok)"
		"), g AS (UPDATE grants g SET revoked_at = now() FROM app"
		"  WHERE g.application_id = app.id AND g.revoked_at IS NULL RETURNING g.id"
		"), t AS (UPDATE grant_tokens t SET revoked_at = now() FROM g WHERE t.grant_id = g.id AND t.revoked_at IS NULL"
		"), ev AS (INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, after)"
		"  SELECT ok.tenant_id, ok.credential_id, 'grant.revoke', 'application', $3,"
		"    jsonb_build_object('grants', (SELECT count(*) FROM g)) FROM ok WHERE EXISTS (SELECT 1 FROM app)"
		") SELECT " DB_AUTH_COLUMNS ", (SELECT count(*) FROM app), (SELECT count(*) FROM g) FROM auth", 3 },

	[S_LOOKUP] = { "vauth_lookup",
		"SELECT a.id, a.tenant_id, coalesce(a.scope, ''), coalesce(a.maximum_scope, ''),"
		"  a.access_validity_seconds, a.grant_validity_seconds, a.renewable,"
		"  i.id, 'local:{' || i.universal || '}', i.password_hash, i.maximum_scope, i.enabled"
		" FROM applications a LEFT JOIN identities i ON i.tenant_id = a.tenant_id AND lower(i.username) = lower($2)"
		" WHERE a.client_id = $1", 2 },
	/* $1 app, $2 identity, $3 scope, $4 names, $5 grant validity, $6 access validity,
	 * $7 access hash, $8 refresh hash (NULL: not renewable), $9 tenant */
	[S_GRANT] = { "vauth_grant",
		"WITH g AS ("
		"  INSERT INTO grants (application_id, identity_id, scope, scope_names, expires_at)"
		"  VALUES ($1, $2, $3, $4::text[], now() + make_interval(secs => $5::int)) RETURNING *"
		"), at AS (INSERT INTO grant_tokens (token_hash, grant_id, kind, expires_at)"
		"  SELECT $7::bytea, g.id, 'access', least(now() + make_interval(secs => $6::int), g.expires_at) FROM g"
		"  RETURNING expires_at"
		"), rt AS (INSERT INTO grant_tokens (token_hash, grant_id, kind, expires_at)"
		"  SELECT $8::bytea, g.id, 'refresh', g.expires_at FROM g WHERE $8::bytea IS NOT NULL"
		"), ev AS (INSERT INTO audit_events (tenant_id, action, object_type, object_id, after)"
		"  SELECT $9::bigint, 'grant.create', 'grant', g.id::text,"
		"    jsonb_build_object('application_id', g.application_id, 'identity_id', g.identity_id, 'scope', g.scope)"
		"  FROM g"
		") SELECT " EPOCH("g.issued_at") ", " EPOCH("at.expires_at") ", " EPOCH("g.issued_at") ", "
		EPOCH("g.expires_at") " FROM g, at", 9 },
	/* $1 client id, $2 old refresh hash, $3 new access hash, $4 new refresh hash */
	[S_REFRESH] = { "vauth_refresh",
		"WITH old AS ("
		"  SELECT rt.token_hash, g.id AS grant_id, g.expires_at AS grant_expires, a.access_validity_seconds,"
		"    g.scope, g.issued_at, i.universal, a.client_id, a.tenant_id"
		"  FROM grant_tokens rt JOIN grants g ON g.id = rt.grant_id JOIN applications a ON a.id = g.application_id"
		"  JOIN identities i ON i.id = g.identity_id"
		"  WHERE rt.token_hash = $2::bytea AND rt.kind = 'refresh' AND rt.revoked_at IS NULL"
		"    AND rt.expires_at > now() AND " ACTIVE_GRANT("g") " AND a.client_id = $1 AND a.renewable"
		"    AND i.enabled FOR UPDATE OF rt"
		"), gone AS (UPDATE grant_tokens t SET revoked_at = now() FROM old"
		"  WHERE t.grant_id = old.grant_id AND t.revoked_at IS NULL"
		"), gu AS (UPDATE grants g SET access_issued_at = now() FROM old WHERE g.id = old.grant_id"
		"), at AS (INSERT INTO grant_tokens (token_hash, grant_id, kind, expires_at)"
		"  SELECT $3::bytea, grant_id, 'access', least(now() + make_interval(secs => access_validity_seconds),"
		"    grant_expires) FROM old RETURNING expires_at"
		"), rt AS (INSERT INTO grant_tokens (token_hash, grant_id, kind, expires_at)"
		"  SELECT $4::bytea, grant_id, 'refresh', grant_expires FROM old"
		"), ev AS (INSERT INTO audit_events (tenant_id, action, object_type, object_id)"
		"  SELECT tenant_id, 'grant.refresh', 'grant', grant_id::text FROM old"
		") SELECT " EPOCH("now()") ", " EPOCH("at.expires_at") ", " EPOCH("old.issued_at") ", "
		EPOCH("old.grant_expires") ", old.scope, 'local:{' || old.universal || '}', old.client_id FROM old, at", 4 },
	[S_VERIFY] = { "vauth_verify",
		"SELECT " EPOCH("g.access_issued_at") ", " EPOCH("t.expires_at") ", " EPOCH("g.issued_at") ", "
		EPOCH("g.expires_at") ", g.scope, 'local:{' || i.universal || '}', a.client_id"
		" FROM grant_tokens t JOIN grants g ON g.id = t.grant_id JOIN identities i ON i.id = g.identity_id"
		" JOIN applications a ON a.id = g.application_id"
		" WHERE t.token_hash = $1::bytea AND t.kind = 'access' AND t.revoked_at IS NULL AND t.expires_at > now()"
		"   AND " ACTIVE_GRANT("g") " AND i.enabled", 1 },
	[S_REVOKE] = { "vauth_revoke",
		"WITH tok AS ("
		"  SELECT t.grant_id, a.tenant_id FROM grant_tokens t JOIN grants g ON g.id = t.grant_id"
		"  JOIN applications a ON a.id = g.application_id"
		"  WHERE t.token_hash = $1::bytea AND t.kind = 'access' AND t.revoked_at IS NULL AND t.expires_at > now()"
		"    AND " ACTIVE_GRANT("g") ""
		"), g AS (UPDATE grants g SET revoked_at = now() FROM tok WHERE g.id = tok.grant_id RETURNING g.id"
		"), t AS (UPDATE grant_tokens t SET revoked_at = now() FROM tok WHERE t.grant_id = tok.grant_id"
		"  AND t.revoked_at IS NULL"
		"), ev AS (INSERT INTO audit_events (tenant_id, action, object_type, object_id)"
		"  SELECT tenant_id, 'grant.revoke', 'grant', grant_id::text FROM tok"
		") SELECT count(*) FROM g", 1 },

	[S_ID_CREATE] = { "identity_create",
		"WITH tn AS ("
		"  INSERT INTO tenants (name) VALUES ($1)"
		"  ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id"
		"), x AS (INSERT INTO identities (tenant_id, username, password_hash, maximum_scope)"
		"  SELECT id, $2, $3, $4 FROM tn RETURNING *"
		"), ev AS (INSERT INTO audit_events (tenant_id, action, object_type, object_id, after)"
		"  SELECT tenant_id, 'identity.create', 'identity', 'local:{' || universal || '}',"
		"    jsonb_build_object('username', username, 'maximum_scope', maximum_scope) FROM x"
		") SELECT 'local:{' || universal || '}' FROM x", 4 },
	[S_ID_LIST] = { "identity_list",
		"SELECT 'local:{' || i.universal || '}', t.name, i.username, i.maximum_scope, i.enabled,"
		"  " ISO("i.created_at") " FROM identities i JOIN tenants t ON t.id = i.tenant_id"
		" WHERE $1::text IS NULL OR t.name = $1 ORDER BY i.id", 1 },
	[S_ID_DISABLE] = { "identity_disable",
		"WITH x AS ("
		"  UPDATE identities i SET enabled = false FROM tenants t"
		"  WHERE t.id = i.tenant_id AND t.name = $1 AND lower(i.username) = lower($2) AND i.enabled"
		"  RETURNING i.*"
		"), ev AS (INSERT INTO audit_events (tenant_id, action, object_type, object_id, before, after)"
		"  SELECT tenant_id, 'identity.disable', 'identity', 'local:{' || universal || '}',"
		"    '{\"enabled\": true}', '{\"enabled\": false}' FROM x"
		") SELECT count(*) FROM x", 2 },
	{ NULL, NULL, 0 },
};

static PGresult *exec(struct db *db, arena_t *a, int stmt, const char *const *p, status_t *st)
{
	return db_exec(db, a, &db_venafi_stmts[stmt], p, st, NULL);
}

/* $3 is the ApplicationId, $4..$12 the fields (db_application_params). */
static void app_params(arena_t *a, const struct application *app, const char **p)
{
	p[2] = app->client_id;
	db_application_params(a, app, p);
}

status_t db_vapp_create(struct db *db, arena_t *a, struct auth *auth, const struct application *app)
{
	status_t st;
	const char *p[12] = { auth->token_hash, auth->scopes };
	app_params(a, app, p);
	PGresult *res = exec(db, a, S_CREATE, p, &st);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	return PQgetisnull(res, 0, DATA0) ? ST_CONFLICT : ST_OK;
}

static status_t read_apps(arena_t *a, PGresult *res, struct auth *auth, struct venafi_app **out, size_t *n)
{
	status_t st = db_auth_result(res, auth);
	if (st != ST_OK)
		return st;
	int rows = PQntuples(res);
	*out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(**out));
	*n = 0;
	for (int i = 0; i < rows; i++) {
		if (PQgetisnull(res, i, DATA0))
			continue;
		struct venafi_app *v = &(*out)[(*n)++];
		struct application *x = &v->app;
		const int o = DATA0;
		application_init(x);
		x->id = strtoll(PQgetvalue(res, i, o), NULL, 10);
		x->client_id = PQgetvalue(res, i, o + 1);
		x->name = PQgetvalue(res, i, o + 2);
		x->description = db_text_or_null(res, i, o + 3);
		x->vendor = db_text_or_null(res, i, o + 4);
		x->url = db_text_or_null(res, i, o + 5);
		x->scope = db_text_or_null(res, i, o + 6);
		x->maximum_scope = db_text_or_null(res, i, o + 7);
		x->access_validity_seconds = atoi(PQgetvalue(res, i, o + 8));
		x->grant_validity_seconds = atoi(PQgetvalue(res, i, o + 9));
		x->renewable = PQgetvalue(res, i, o + 10)[0] == 't';
		v->grant_count = atol(PQgetvalue(res, i, o + 11));
	}
	return ST_OK;
}

status_t db_vapp_get(struct db *db, arena_t *a, struct auth *auth, const char *ids_json,
		     struct venafi_app **out, size_t *n)
{
	status_t st;
	const char *p[3] = { auth->token_hash, auth->scopes, ids_json };
	PGresult *res = exec(db, a, S_GET, p, &st);
	return res == NULL ? st : read_apps(a, res, auth, out, n);
}

status_t db_vapp_enumerate(struct db *db, arena_t *a, struct auth *auth, int start, int count,
			   int order_by, int descending, struct venafi_app **out, size_t *n)
{
	status_t st;
	const char *p[6] = { auth->token_hash, auth->scopes, db_i64(a, start), db_i64(a, count), db_i64(a, order_by),
			     descending ? "true" : "false" };
	PGresult *res = exec(db, a, S_ENUM, p, &st);
	return res == NULL ? st : read_apps(a, res, auth, out, n);
}

static status_t one_row(PGresult *res, struct auth *auth)
{
	status_t st = db_auth_result(res, auth);
	if (st != ST_OK)
		return st;
	return PQgetisnull(res, 0, DATA0) ? ST_NOT_FOUND : ST_OK;
}

status_t db_vapp_update(struct db *db, arena_t *a, struct auth *auth, const struct application *app)
{
	status_t st;
	const char *p[12] = { auth->token_hash, auth->scopes };
	app_params(a, app, p);
	PGresult *res = exec(db, a, S_UPDATE, p, &st);
	return res == NULL ? st : one_row(res, auth);
}

status_t db_vapp_delete(struct db *db, arena_t *a, struct auth *auth, const char *client_id)
{
	status_t st;
	const char *p[3] = { auth->token_hash, auth->scopes, client_id };
	PGresult *res = exec(db, a, S_DELETE, p, &st);
	return res == NULL ? st : one_row(res, auth);
}

status_t db_vgrants_enumerate(struct db *db, arena_t *a, struct auth *auth, const char *client_id,
			      int start, int count, struct venafi_grant **out, size_t *n, long *total)
{
	status_t st;
	const char *p[5] = { auth->token_hash, auth->scopes, client_id, db_i64(a, start), db_i64(a, count) };
	PGresult *res = exec(db, a, S_GRANTS, p, &st);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	if (atoi(PQgetvalue(res, 0, DATA0)) == 0)
		return ST_NOT_FOUND;
	*total = atol(PQgetvalue(res, 0, DATA0 + 1));
	int rows = PQntuples(res);
	*out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(**out));
	*n = 0;
	for (int i = 0; i < rows; i++) {
		const int o = DATA0 + 2;
		if (PQgetisnull(res, i, o))
			continue;
		struct venafi_grant *g = &(*out)[(*n)++];
		g->access_issued_on = PQgetvalue(res, i, o);
		g->grant_issued_on = PQgetvalue(res, i, o + 1);
		g->expires = PQgetvalue(res, i, o + 2);
		g->application = PQgetvalue(res, i, o + 3);
		g->grantee = PQgetvalue(res, i, o + 4);
		g->scope = PQgetvalue(res, i, o + 5);
	}
	return ST_OK;
}

status_t db_vgrants_revoke(struct db *db, arena_t *a, struct auth *auth, const char *client_id, long *revoked)
{
	status_t st;
	const char *p[3] = { auth->token_hash, auth->scopes, client_id };
	PGresult *res = exec(db, a, S_REVOKE_GRANTS, p, &st);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	if (atoi(PQgetvalue(res, 0, DATA0)) == 0)
		return ST_NOT_FOUND;
	*revoked = atol(PQgetvalue(res, 0, DATA0 + 1));
	return ST_OK;
}

status_t db_vauth_lookup(struct db *db, arena_t *a, const char *client_id, const char *username,
			 struct venafi_login *out)
{
	status_t st;
	const char *p[2] = { client_id, username };
	memset(out, 0, sizeof(*out));
	PGresult *res = exec(db, a, S_LOOKUP, p, &st);
	if (res == NULL)
		return st;
	if (PQntuples(res) != 1)
		return ST_NOT_FOUND;
	out->app_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	out->tenant_id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	out->app_scope = PQgetvalue(res, 0, 2);
	out->app_maximum_scope = PQgetvalue(res, 0, 3);
	out->access_validity = atoi(PQgetvalue(res, 0, 4));
	out->grant_validity = atoi(PQgetvalue(res, 0, 5));
	out->renewable = PQgetvalue(res, 0, 6)[0] == 't';
	if (!PQgetisnull(res, 0, 7)) {
		out->identity_id = strtoll(PQgetvalue(res, 0, 7), NULL, 10);
		out->universal = PQgetvalue(res, 0, 8);
		out->password_hash = PQgetvalue(res, 0, 9);
		out->identity_maximum_scope = PQgetvalue(res, 0, 10);
		out->enabled = PQgetvalue(res, 0, 11)[0] == 't';
	}
	return ST_OK;
}

static void read_tokens(PGresult *res, struct venafi_tokens *out, int with_names)
{
	out->access_issued = atol(PQgetvalue(res, 0, 0));
	out->access_expires = atol(PQgetvalue(res, 0, 1));
	out->grant_issued = atol(PQgetvalue(res, 0, 2));
	out->grant_expires = atol(PQgetvalue(res, 0, 3));
	if (with_names) {
		out->scope = PQgetvalue(res, 0, 4);
		out->identity = PQgetvalue(res, 0, 5);
		out->application = PQgetvalue(res, 0, 6);
	}
}

status_t db_vauth_grant(struct db *db, arena_t *a, const struct venafi_login *who, const char *scope,
			const char *scope_names, const char *access_hash, const char *refresh_hash,
			struct venafi_tokens *out)
{
	status_t st;
	const char *p[9] = { db_i64(a, who->app_id), db_i64(a, who->identity_id), scope, scope_names,
			     db_i64(a, who->grant_validity), db_i64(a, who->access_validity), access_hash,
			     refresh_hash, db_i64(a, who->tenant_id) };
	PGresult *res = exec(db, a, S_GRANT, p, &st);
	if (res == NULL)
		return st;
	if (PQntuples(res) != 1)
		return ST_INTERNAL;
	read_tokens(res, out, 0);
	return ST_OK;
}

status_t db_vauth_refresh(struct db *db, arena_t *a, const char *client_id, const char *refresh_hash,
			  const char *access_hash, const char *new_refresh_hash, struct venafi_tokens *out)
{
	status_t st;
	const char *p[4] = { client_id, refresh_hash, access_hash, new_refresh_hash };
	PGresult *res = exec(db, a, S_REFRESH, p, &st);
	if (res == NULL)
		return st;
	if (PQntuples(res) != 1)
		return ST_NOT_FOUND;
	read_tokens(res, out, 1);
	return ST_OK;
}

status_t db_vauth_verify(struct db *db, arena_t *a, const char *access_hash, struct venafi_tokens *out)
{
	status_t st;
	const char *p[1] = { access_hash };
	PGresult *res = exec(db, a, S_VERIFY, p, &st);
	if (res == NULL)
		return st;
	if (PQntuples(res) != 1)
		return ST_NOT_FOUND;
	read_tokens(res, out, 1);
	return ST_OK;
}

status_t db_vauth_revoke(struct db *db, arena_t *a, const char *access_hash)
{
	status_t st;
	const char *p[1] = { access_hash };
	PGresult *res = exec(db, a, S_REVOKE, p, &st);
	if (res == NULL)
		return st;
	return atoi(PQgetvalue(res, 0, 0)) > 0 ? ST_OK : ST_NOT_FOUND;
}

status_t db_identity_create(struct db *db, arena_t *a, const char *tenant, const char *username,
			    const char *password_hash, const char *maximum_scope, const char **universal)
{
	status_t st;
	const char *p[4] = { tenant, username, password_hash, maximum_scope };
	PGresult *res = exec(db, a, S_ID_CREATE, p, &st);
	if (res == NULL)
		return st;
	*universal = PQgetvalue(res, 0, 0);
	return ST_OK;
}

PGresult *db_identity_list(struct db *db, arena_t *a, const char *tenant, status_t *st)
{
	const char *p[1] = { tenant };
	return exec(db, a, S_ID_LIST, p, st);
}

status_t db_identity_disable(struct db *db, arena_t *a, const char *tenant, const char *username)
{
	status_t st;
	const char *p[2] = { tenant, username };
	PGresult *res = exec(db, a, S_ID_DISABLE, p, &st);
	if (res == NULL)
		return st;
	return atoi(PQgetvalue(res, 0, 0)) == 1 ? ST_OK : ST_NOT_FOUND;
}

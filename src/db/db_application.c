/* SQL for client applications. $1/$2 are the caller's token (DB_AUTH_CTE). */
#include "db/db_application.h"

#include <stdlib.h>
#include <string.h>

#include "db/db_auth.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define APP_COLS \
	"x.id, x.uuid::text, x.client_id, x.name, x.description, x.vendor, x.url, x.scope, x.maximum_scope," \
	" x.access_validity_seconds, x.grant_validity_seconds, x.renewable, " ISO("x.created_at") ", " ISO("x.updated_at")
#define APP_DOC(x) "(to_jsonb(" x ") - 'id' - 'tenant_id' - 'created_at' - 'updated_at' - 'uuid')"
#define DIFF(x, y) "(SELECT jsonb_object_agg(key, value) FROM jsonb_each(" x ") WHERE (" y ")->key IS DISTINCT FROM value)"
#define DATA0 DB_AUTH_NCOLS

enum { S_INSERT, S_LIST, S_GET, S_DELETE, S_RENAME };

const struct db_stmt db_application_stmts[] = {
	[S_INSERT] = { "application_insert",
		"WITH " DB_AUTH_CTE ", x AS ("
		"  INSERT INTO applications (tenant_id, client_id, name, description, vendor, url, scope, maximum_scope,"
		"    access_validity_seconds, grant_validity_seconds, renewable)"
		"  SELECT tenant_id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM ok RETURNING *"
		"), sec AS (INSERT INTO application_secrets (application_id, secret_hash) SELECT id, $13::bytea FROM x"
		"), ev AS (INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, after)"
		"  SELECT ok.tenant_id, ok.credential_id, 'application.create', 'application', x.id::text, " APP_DOC("x")
		"  FROM x, ok"
		") SELECT " DB_AUTH_COLUMNS ", " APP_COLS " FROM auth LEFT JOIN x ON true", 13 },
	[S_LIST] = { "application_list",
		"WITH " DB_AUTH_CTE
		" SELECT " DB_AUTH_COLUMNS ", " APP_COLS " FROM auth LEFT JOIN LATERAL ("
		"  SELECT * FROM applications WHERE tenant_id = auth.tenant_id AND auth.status = 200"
		"  ORDER BY id LIMIT 1000) AS x ON true ORDER BY x.id", 2 },
	[S_GET] = { "application_get",
		"WITH " DB_AUTH_CTE
		" SELECT " DB_AUTH_COLUMNS ", " APP_COLS " FROM auth LEFT JOIN LATERAL ("
		"  SELECT * FROM applications WHERE id = $3 AND tenant_id = auth.tenant_id AND auth.status = 200) AS x"
		" ON true", 3 },
	[S_DELETE] = { "application_delete",
		"WITH " DB_AUTH_CTE ", x AS ("
		"  DELETE FROM applications WHERE id = $3 AND tenant_id = (SELECT tenant_id FROM ok) RETURNING *"
		"), ev AS (INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, before)"
		"  SELECT ok.tenant_id, ok.credential_id, 'application.delete', 'application', x.id::text, " APP_DOC("x")
		"  FROM x, ok"
		") SELECT " DB_AUTH_COLUMNS ", x.id FROM auth LEFT JOIN x ON true", 3 },
	/* OneLogin's shape carries only name and description: the rest of the row stays */
	[S_RENAME] = { "application_rename",
		"WITH " DB_AUTH_CTE ", old AS ("
		"  SELECT * FROM applications WHERE id = $3 AND tenant_id = (SELECT tenant_id FROM ok) FOR UPDATE"
		"), x AS (UPDATE applications a SET name = $4, description = $5,"
		"    updated_at = greatest(now(), a.created_at)"
		"  FROM old WHERE a.id = old.id RETURNING a.*"
		"), ev AS (INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, before, after)"
		"  SELECT ok.tenant_id, ok.credential_id, 'application.update', 'application', x.id::text,"
		"    " DIFF(APP_DOC("old"), APP_DOC("x")) ", " DIFF(APP_DOC("x"), APP_DOC("old")) " FROM x, old, ok"
		") SELECT " DB_AUTH_COLUMNS ", " APP_COLS " FROM auth LEFT JOIN x ON true", 5 },
	{ NULL, NULL, 0 },
};

static void row_to_app(PGresult *res, int i, struct application *out)
{
	const int o = DATA0;
	application_init(out);
	out->id = strtoll(PQgetvalue(res, i, o), NULL, 10);
	out->uuid = PQgetvalue(res, i, o + 1);
	out->client_id = PQgetvalue(res, i, o + 2);
	out->name = PQgetvalue(res, i, o + 3);
	out->description = db_text_or_null(res, i, o + 4);
	out->vendor = db_text_or_null(res, i, o + 5);
	out->url = db_text_or_null(res, i, o + 6);
	out->scope = db_text_or_null(res, i, o + 7);
	out->maximum_scope = db_text_or_null(res, i, o + 8);
	out->access_validity_seconds = atoi(PQgetvalue(res, i, o + 9));
	out->grant_validity_seconds = atoi(PQgetvalue(res, i, o + 10));
	out->renewable = PQgetvalue(res, i, o + 11)[0] == 't';
	out->created_at = PQgetvalue(res, i, o + 12);
	out->updated_at = PQgetvalue(res, i, o + 13);
}

void db_application_params(arena_t *a, const struct application *app, const char **p)
{
	p[3] = app->name;
	p[4] = app->description;
	p[5] = app->vendor;
	p[6] = app->url;
	p[7] = app->scope;
	p[8] = app->maximum_scope;
	p[9] = db_i64(a, app->access_validity_seconds);
	p[10] = db_i64(a, app->grant_validity_seconds);
	p[11] = app->renewable ? "true" : "false";
}

/* Runs a statement whose rows are the auth columns then an application. */
static status_t one(struct db *db, arena_t *a, int stmt, const char *const *p, struct auth *auth,
		    struct application *out)
{
	status_t st;
	PGresult *res = db_exec(db, a, &db_application_stmts[stmt], p, &st, NULL);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	if (PQgetisnull(res, 0, DATA0))
		return ST_NOT_FOUND;
	if (out != NULL)
		row_to_app(res, 0, out);
	return ST_OK;
}

status_t db_application_insert(struct db *db, arena_t *a, struct auth *auth, struct application *app,
			       const char *secret_hash)
{
	const char *p[13] = { auth->token_hash, auth->scopes, app->client_id };
	db_application_params(a, app, p);          /* $4..$12 */
	p[12] = secret_hash;
	status_t st = one(db, a, S_INSERT, p, auth, app);
	return st == ST_NOT_FOUND ? ST_INTERNAL : st;
}

status_t db_application_list(struct db *db, arena_t *a, struct auth *auth, struct application **out,
			     size_t *n)
{
	status_t st;
	const char *p[2] = { auth->token_hash, auth->scopes };
	PGresult *res = db_exec(db, a, &db_application_stmts[S_LIST], p, &st, NULL);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	int rows = PQntuples(res);
	*out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(**out));
	*n = 0;
	for (int i = 0; i < rows; i++)
		if (!PQgetisnull(res, i, DATA0))
			row_to_app(res, i, &(*out)[(*n)++]);
	return ST_OK;
}

status_t db_application_get(struct db *db, arena_t *a, struct auth *auth, int64_t id,
			    struct application *out)
{
	const char *p[3] = { auth->token_hash, auth->scopes, db_i64(a, id) };
	return one(db, a, S_GET, p, auth, out);
}

status_t db_application_delete(struct db *db, arena_t *a, struct auth *auth, int64_t id)
{
	status_t st;
	const char *p[3] = { auth->token_hash, auth->scopes, db_i64(a, id) };
	PGresult *res = db_exec(db, a, &db_application_stmts[S_DELETE], p, &st, NULL);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	return PQgetisnull(res, 0, DATA0) ? ST_NOT_FOUND : ST_OK;
}

status_t db_application_rename(struct db *db, arena_t *a, struct auth *auth, struct application *app)
{
	const char *p[5] = { auth->token_hash, auth->scopes, db_i64(a, app->id), app->name, app->description };
	return one(db, a, S_RENAME, p, auth, app);
}

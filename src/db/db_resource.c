/* SQL for scopes, claims and client links. $1/$2 are the caller's token (DB_AUTH_CTE) and
 * $3 the server id; result columns are the auth columns, "server found", then data. */
#include "db/db_resource.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db/db_auth.h"
#include "log.h"

#define SRV_CTE "srv AS (SELECT id, tenant_id FROM servers WHERE id = $3 AND tenant_id = (SELECT tenant_id FROM ok))"
#define HEAD DB_AUTH_COLUMNS ", (SELECT count(*) FROM srv)"
#define DATA0 (DB_AUTH_NCOLS + 1)
#define AUDIT(action, type, oid, before, after) \
	"ev AS (INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, before, after)" \
	" SELECT ok.tenant_id, ok.credential_id, '" action "', '" type "', " oid ", " before ", " after

#define SCOPE_DOC(x) "jsonb_build_object('server_id', " x ".server_id, 'value', " x ".value, 'description', " x ".description)"
#define CLAIM_COLS "name, label, user_attribute_mappings, user_attribute_macros, attributes_transformations," \
	" skip_if_blank, \"values\", default_values, provisioned_entitlements"
#define CLAIM_DOC(x) "(to_jsonb(" x ") - 'id' - 'created_at')"
#define DIFF(x, y) "(SELECT jsonb_object_agg(key, value) FROM jsonb_each(" x ") WHERE (" y ")->key IS DISTINCT FROM value)"

enum { S_SCOPE_LIST, S_SCOPE_INSERT, S_SCOPE_UPDATE, S_SCOPE_DELETE,
       S_CLAIM_LIST, S_CLAIM_INSERT, S_CLAIM_UPDATE, S_CLAIM_DELETE,
       S_CLIENT_LIST, S_CLIENT_SET, S_CLIENT_REMOVE };

const struct db_stmt db_resource_stmts[] = {
	[S_SCOPE_LIST] = { "scope_list",
		"WITH " DB_AUTH_CTE ", " SRV_CTE
		" SELECT " HEAD ", x.id, x.value, x.description FROM auth LEFT JOIN LATERAL ("
		"  SELECT id, value, description FROM server_scopes WHERE server_id = (SELECT id FROM srv)) AS x"
		" ON true ORDER BY x.id", 3 },
	[S_SCOPE_INSERT] = { "scope_insert",
		"WITH " DB_AUTH_CTE ", " SRV_CTE ", x AS ("
		"  INSERT INTO server_scopes (server_id, value, description) SELECT id, $4, $5 FROM srv"
		"  RETURNING id, server_id, value, description"
		"), " AUDIT("scope.create", "scope", "x.id::text", "NULL", SCOPE_DOC("x")) " FROM x, ok)"
		" SELECT " HEAD ", x.id FROM auth LEFT JOIN x ON true", 5 },
	[S_SCOPE_UPDATE] = { "scope_update",
		"WITH " DB_AUTH_CTE ", " SRV_CTE ", old AS ("
		"  SELECT * FROM server_scopes WHERE id = $4 AND server_id = (SELECT id FROM srv) FOR UPDATE"
		"), x AS (UPDATE server_scopes s SET value = $5, description = $6 FROM old WHERE s.id = old.id"
		"  RETURNING s.id, s.server_id, s.value, s.description"
		"), " AUDIT("scope.update", "scope", "x.id::text", DIFF(SCOPE_DOC("old"), SCOPE_DOC("x")),
			    DIFF(SCOPE_DOC("x"), SCOPE_DOC("old"))) " FROM x, old, ok)"
		" SELECT " HEAD ", x.id FROM auth LEFT JOIN x ON true", 6 },
	[S_SCOPE_DELETE] = { "scope_delete",
		"WITH " DB_AUTH_CTE ", " SRV_CTE ", x AS ("
		"  DELETE FROM server_scopes WHERE id = $4 AND server_id = (SELECT id FROM srv)"
		"  RETURNING id, server_id, value, description"
		"), " AUDIT("scope.delete", "scope", "x.id::text", SCOPE_DOC("x"), "NULL") " FROM x, ok)"
		" SELECT " HEAD ", x.id FROM auth LEFT JOIN x ON true", 4 },

	[S_CLAIM_LIST] = { "claim_list",
		"WITH " DB_AUTH_CTE ", " SRV_CTE
		" SELECT " HEAD ", x.id, x.name, x.label, x.user_attribute_mappings, x.user_attribute_macros,"
		"  x.attributes_transformations, x.skip_if_blank, x.\"values\"::text, x.default_values,"
		"  x.provisioned_entitlements FROM auth LEFT JOIN LATERAL ("
		"  SELECT * FROM server_claims WHERE server_id = (SELECT id FROM srv)) AS x ON true ORDER BY x.id", 3 },
	[S_CLAIM_INSERT] = { "claim_insert",
		"WITH " DB_AUTH_CTE ", " SRV_CTE ", x AS ("
		"  INSERT INTO server_claims (server_id, " CLAIM_COLS ")"
		"  SELECT id, $4, $5, $6, $7, $8, $9::boolean, $10::jsonb, $11, $12::boolean FROM srv RETURNING *"
		"), " AUDIT("claim.create", "claim", "x.id::text", "NULL", CLAIM_DOC("x")) " FROM x, ok)"
		" SELECT " HEAD ", x.id FROM auth LEFT JOIN x ON true", 12 },
	[S_CLAIM_UPDATE] = { "claim_update",
		"WITH " DB_AUTH_CTE ", " SRV_CTE ", old AS ("
		"  SELECT * FROM server_claims WHERE id = $13 AND server_id = (SELECT id FROM srv) FOR UPDATE"
		"), x AS (UPDATE server_claims c SET (" CLAIM_COLS ") ="
		"  ($4, $5, $6, $7, $8, $9::boolean, $10::jsonb, $11, $12::boolean) FROM old WHERE c.id = old.id RETURNING c.*"
		"), " AUDIT("claim.update", "claim", "x.id::text", DIFF(CLAIM_DOC("old"), CLAIM_DOC("x")),
			    DIFF(CLAIM_DOC("x"), CLAIM_DOC("old"))) " FROM x, old, ok)"
		" SELECT " HEAD ", x.id FROM auth LEFT JOIN x ON true", 13 },
	[S_CLAIM_DELETE] = { "claim_delete",
		"WITH " DB_AUTH_CTE ", " SRV_CTE ", x AS ("
		"  DELETE FROM server_claims WHERE id = $4 AND server_id = (SELECT id FROM srv) RETURNING *"
		"), " AUDIT("claim.delete", "claim", "x.id::text", CLAIM_DOC("x"), "NULL") " FROM x, ok)"
		" SELECT " HEAD ", x.id FROM auth LEFT JOIN x ON true", 4 },

	[S_CLIENT_LIST] = { "client_list",
		"WITH " DB_AUTH_CTE ", " SRV_CTE
		" SELECT " HEAD ", x.application_id, x.name, x.scopes FROM auth LEFT JOIN LATERAL ("
		"  SELECT sa.application_id, ap.name, (SELECT coalesce(jsonb_agg(jsonb_build_object('id', sc.id,"
		"      'value', sc.value, 'description', sc.description) ORDER BY sc.id), '[]')"
		"    FROM server_application_scopes sas JOIN server_scopes sc ON sc.id = sas.scope_id"
		"    WHERE sas.server_id = sa.server_id AND sas.application_id = sa.application_id)::text AS scopes"
		"  FROM server_applications sa JOIN applications ap ON ap.id = sa.application_id"
		"  WHERE sa.server_id = (SELECT id FROM srv)) AS x ON true ORDER BY x.application_id", 3 },
	/* $4 app id, $5 scope ids (jsonb array), $6 create (true) or replace (false) */
	[S_CLIENT_SET] = { "client_set",
		"WITH " DB_AUTH_CTE ", " SRV_CTE ", app AS ("
		"  SELECT id FROM applications WHERE id = $4 AND tenant_id = (SELECT tenant_id FROM srv)"
		"), want AS (SELECT DISTINCT x::bigint AS scope_id FROM jsonb_array_elements_text($5::jsonb) x"
		"), bad AS (SELECT min(w.scope_id) AS scope_id FROM want w WHERE NOT EXISTS ("
		"    SELECT 1 FROM server_scopes sc WHERE sc.id = w.scope_id AND sc.server_id = (SELECT id FROM srv))"
		"), cur AS (SELECT server_id, application_id FROM server_applications"
		"  WHERE server_id = (SELECT id FROM srv) AND application_id = (SELECT id FROM app) FOR UPDATE"
		"), go AS (SELECT (SELECT id FROM srv) AS server_id, (SELECT id FROM app) AS application_id"
		"  WHERE EXISTS (SELECT 1 FROM app) AND (SELECT scope_id FROM bad) IS NULL"
		"    AND ($6::boolean <> EXISTS (SELECT 1 FROM cur))"
		"), link AS (INSERT INTO server_applications (server_id, application_id)"
		"  SELECT server_id, application_id FROM go WHERE $6::boolean RETURNING server_id, application_id"
		"), gone AS (DELETE FROM server_application_scopes sas USING go"
		"  WHERE sas.server_id = go.server_id AND sas.application_id = go.application_id"
		"    AND sas.scope_id NOT IN (SELECT scope_id FROM want)"
		"), put_scopes AS (INSERT INTO server_application_scopes (server_id, application_id, scope_id)"
		"  SELECT go.server_id, go.application_id, w.scope_id FROM go, want w ON CONFLICT DO NOTHING"
		"), " AUDIT("client_app.set", "client_app", "go.server_id || ':' || go.application_id", "NULL",
			    "jsonb_build_object('scopes', $5::jsonb, 'created', $6::boolean)") " FROM go, ok)"
		" SELECT " HEAD ", EXISTS (SELECT 1 FROM app), (SELECT scope_id FROM bad), EXISTS (SELECT 1 FROM cur),"
		"  EXISTS (SELECT 1 FROM go) FROM auth", 6 },
	[S_CLIENT_REMOVE] = { "client_remove",
		"WITH " DB_AUTH_CTE ", " SRV_CTE ", x AS ("
		"  DELETE FROM server_applications WHERE server_id = (SELECT id FROM srv) AND application_id = $4"
		"  RETURNING server_id, application_id"
		"), " AUDIT("client_app.delete", "client_app", "x.server_id || ':' || x.application_id", "NULL", "NULL")
		" FROM x, ok)"
		" SELECT " HEAD ", x.application_id FROM auth LEFT JOIN x ON true", 4 },
	{ NULL, NULL, 0 },
};

static const char *tri(int v)
{
	return v < 0 ? NULL : v ? "true" : "false";
}

/* Auth, then the server, then whether data column 0 of row 0 is there. */
static status_t head(PGresult *res, struct auth *auth, int need_row)
{
	status_t st = db_auth_result(res, auth);
	if (st != ST_OK)
		return st;
	if (atoi(PQgetvalue(res, 0, DB_AUTH_NCOLS)) == 0)
		return ST_NOT_FOUND;
	if (need_row && PQgetisnull(res, 0, DATA0))
		return ST_NOT_FOUND;
	return ST_OK;
}

static status_t run(struct db *db, arena_t *a, int stmt, const char *const *p, struct auth *auth,
		    int need_row, PGresult **out)
{
	status_t st;
	PGresult *res = db_exec(db, a, &db_resource_stmts[stmt], p, &st, NULL);
	if (res == NULL)
		return st;
	*out = res;
	return head(res, auth, need_row);
}

status_t db_scope_list(struct db *db, arena_t *a, struct auth *auth, int64_t server_id,
		       struct scope **out, size_t *n)
{
	PGresult *res;
	const char *p[3] = { auth->token_hash, auth->scopes, db_i64(a, server_id) };
	status_t st = run(db, a, S_SCOPE_LIST, p, auth, 0, &res);
	if (st != ST_OK)
		return st;
	int rows = PQntuples(res);
	*out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(**out));
	*n = 0;
	for (int i = 0; i < rows; i++) {
		if (PQgetisnull(res, i, DATA0))
			continue;
		struct scope *s = &(*out)[(*n)++];
		s->id = strtoll(PQgetvalue(res, i, DATA0), NULL, 10);
		s->value = PQgetvalue(res, i, DATA0 + 1);
		s->description = PQgetvalue(res, i, DATA0 + 2);
	}
	return ST_OK;
}

static status_t created_id(PGresult *res, int64_t *id)
{
	if (id != NULL)
		*id = strtoll(PQgetvalue(res, 0, DATA0), NULL, 10);
	return ST_OK;
}

status_t db_scope_insert(struct db *db, arena_t *a, struct auth *auth, int64_t server_id,
			 const struct scope *s, int64_t *id)
{
	PGresult *res;
	const char *p[5] = { auth->token_hash, auth->scopes, db_i64(a, server_id), s->value, s->description };
	status_t st = run(db, a, S_SCOPE_INSERT, p, auth, 1, &res);
	return st != ST_OK ? st : created_id(res, id);
}

status_t db_scope_update(struct db *db, arena_t *a, struct auth *auth, int64_t server_id,
			 const struct scope *s)
{
	PGresult *res;
	const char *p[6] = { auth->token_hash, auth->scopes, db_i64(a, server_id), db_i64(a, s->id), s->value,
			     s->description };
	return run(db, a, S_SCOPE_UPDATE, p, auth, 1, &res);
}

status_t db_scope_delete(struct db *db, arena_t *a, struct auth *auth, int64_t server_id, int64_t id)
{
	PGresult *res;
	const char *p[4] = { auth->token_hash, auth->scopes, db_i64(a, server_id), db_i64(a, id) };
	return run(db, a, S_SCOPE_DELETE, p, auth, 1, &res);
}

static const char *values_json(arena_t *a, const struct claim *c)
{
	return c->values_set ? db_strings_json(a, c->values.items, c->values.n) : NULL;
}

static void claim_params(arena_t *a, const struct claim *c, const char **p)
{
	p[3] = c->name;
	p[4] = c->label;
	p[5] = c->user_attribute_mappings;
	p[6] = c->user_attribute_macros;
	p[7] = c->attributes_transformations;
	p[8] = tri(c->skip_if_blank);
	p[9] = values_json(a, c);
	p[10] = c->default_values;
	p[11] = tri(c->provisioned_entitlements);
}

status_t db_claim_list(struct db *db, arena_t *a, struct auth *auth, int64_t server_id,
		       struct claim **out, size_t *n)
{
	PGresult *res;
	const char *p[3] = { auth->token_hash, auth->scopes, db_i64(a, server_id) };
	status_t st = run(db, a, S_CLAIM_LIST, p, auth, 0, &res);
	if (st != ST_OK)
		return st;
	int rows = PQntuples(res);
	*out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(**out));
	*n = 0;
	for (int i = 0; i < rows; i++) {
		if (PQgetisnull(res, i, DATA0))
			continue;
		struct claim *c = &(*out)[(*n)++];
		claim_init(c);
		const int o = DATA0;
		c->id = strtoll(PQgetvalue(res, i, o), NULL, 10);
		c->name = PQgetvalue(res, i, o + 1);
		c->label = db_text_or_null(res, i, o + 2);
		c->user_attribute_mappings = db_text_or_null(res, i, o + 3);
		c->user_attribute_macros = db_text_or_null(res, i, o + 4);
		c->attributes_transformations = db_text_or_null(res, i, o + 5);
		c->skip_if_blank = PQgetisnull(res, i, o + 6) ? -1 : PQgetvalue(res, i, o + 6)[0] == 't';
		if (!PQgetisnull(res, i, o + 7)) {
			json_t *arr = json_loads(PQgetvalue(res, i, o + 7), 0, NULL);
			size_t k = json_array_size(arr);
			c->values.items = arena_alloc(a, (k ? k : 1) * sizeof(char *));
			for (size_t j = 0; j < k; j++)
				c->values.items[j] = arena_strdup(a, json_string_value(json_array_get(arr, j)));
			c->values.n = k;
			c->values_set = 1;
			json_decref(arr);
		}
		c->default_values = db_text_or_null(res, i, o + 8);
		c->provisioned_entitlements = PQgetisnull(res, i, o + 9) ? -1 : PQgetvalue(res, i, o + 9)[0] == 't';
	}
	return ST_OK;
}

status_t db_claim_insert(struct db *db, arena_t *a, struct auth *auth, int64_t server_id,
			 const struct claim *c, int64_t *id)
{
	PGresult *res;
	const char *p[12] = { auth->token_hash, auth->scopes, db_i64(a, server_id) };
	claim_params(a, c, p);
	status_t st = run(db, a, S_CLAIM_INSERT, p, auth, 1, &res);
	return st != ST_OK ? st : created_id(res, id);
}

status_t db_claim_update(struct db *db, arena_t *a, struct auth *auth, int64_t server_id,
			 const struct claim *c)
{
	PGresult *res;
	const char *p[13] = { auth->token_hash, auth->scopes, db_i64(a, server_id) };
	claim_params(a, c, p);
	p[12] = db_i64(a, c->id);
	return run(db, a, S_CLAIM_UPDATE, p, auth, 1, &res);
}

status_t db_claim_delete(struct db *db, arena_t *a, struct auth *auth, int64_t server_id, int64_t id)
{
	PGresult *res;
	const char *p[4] = { auth->token_hash, auth->scopes, db_i64(a, server_id), db_i64(a, id) };
	return run(db, a, S_CLAIM_DELETE, p, auth, 1, &res);
}

status_t db_client_list(struct db *db, arena_t *a, struct auth *auth, int64_t server_id,
			struct client_app **out, size_t *n)
{
	PGresult *res;
	const char *p[3] = { auth->token_hash, auth->scopes, db_i64(a, server_id) };
	status_t st = run(db, a, S_CLIENT_LIST, p, auth, 0, &res);
	if (st != ST_OK)
		return st;
	int rows = PQntuples(res);
	*out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(**out));
	*n = 0;
	for (int i = 0; i < rows; i++) {
		if (PQgetisnull(res, i, DATA0))
			continue;
		struct client_app *c = &(*out)[(*n)++];
		c->app_id = strtoll(PQgetvalue(res, i, DATA0), NULL, 10);
		c->name = PQgetvalue(res, i, DATA0 + 1);
		json_t *arr = json_loads(PQgetvalue(res, i, DATA0 + 2), 0, NULL);
		c->nscopes = json_array_size(arr);
		c->scopes = arena_alloc(a, (c->nscopes ? c->nscopes : 1) * sizeof(struct scope));
		for (size_t j = 0; j < c->nscopes; j++) {
			json_t *s = json_array_get(arr, j);
			c->scopes[j].id = json_integer_value(json_object_get(s, "id"));
			c->scopes[j].value = arena_strdup(a, json_string_value(json_object_get(s, "value")));
			c->scopes[j].description = arena_strdup(a, json_string_value(json_object_get(s, "description")));
		}
		json_decref(arr);
	}
	return ST_OK;
}

status_t db_client_set(struct db *db, arena_t *a, struct auth *auth, int64_t server_id, int64_t app_id,
		       const int64_t *scope_ids, size_t nscopes, int create, int64_t *bad_scope)
{
	PGresult *res;
	json_t *arr = json_array();
	for (size_t i = 0; i < nscopes; i++)
		json_array_append_new(arr, json_integer(scope_ids[i]));
	const char *ids = db_json_text(a, arr);
	const char *p[6] = { auth->token_hash, auth->scopes, db_i64(a, server_id), db_i64(a, app_id), ids,
			     create ? "true" : "false" };
	status_t st = run(db, a, S_CLIENT_SET, p, auth, 0, &res);
	if (st != ST_OK)
		return st;
	const int o = DATA0;
	if (PQgetvalue(res, 0, o)[0] != 't')
		return ST_NOT_FOUND;                     /* no such application */
	if (!PQgetisnull(res, 0, o + 1)) {
		*bad_scope = strtoll(PQgetvalue(res, 0, o + 1), NULL, 10);
		return ST_INVALID;
	}
	int linked = PQgetvalue(res, 0, o + 2)[0] == 't';
	if (create && linked)
		return ST_CONFLICT;
	if (!create && !linked)
		return ST_NOT_FOUND;
	return PQgetvalue(res, 0, o + 3)[0] == 't' ? ST_OK : ST_INTERNAL;
}

status_t db_client_remove(struct db *db, arena_t *a, struct auth *auth, int64_t server_id, int64_t app_id)
{
	PGresult *res;
	const char *p[4] = { auth->token_hash, auth->scopes, db_i64(a, server_id), db_i64(a, app_id) };
	return run(db, a, S_CLIENT_REMOVE, p, auth, 1, &res);
}

/* SQL for authorization servers. Writes are single statements with data-modifying CTEs:
 * atomic without BEGIN/COMMIT round trips. Lists travel as JSON text parameters, so no
 * array literal is ever built by hand. */
#include "db/db_server.h"

#include "db/db_auth.h"

/* Configuration rows are joined with LATERAL ... LIMIT 1 so every plan, generic ones
 * included, looks them up by key instead of merge-joining the whole table. */

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"

#define SERVER_COLUMNS \
	"s.id, s.name, s.description, c.resource_identifier, " \
	"c.access_token_lifetime_minutes, c.refresh_token_lifetime_minutes, " \
	"(SELECT coalesce(json_agg(a.audience ORDER BY a.position), '[]') " \
	"   FROM server_audiences a WHERE a.server_id = s.id)::text AS audiences, " \
	"s.version "

/* The audited document of a server: what before/after of an audit event compare. */
#define SERVER_DOC \
	"jsonb_build_object('name', s.name, 'description', s.description," \
	"  'resource_identifier', c.resource_identifier," \
	"  'access_token_expiration_minutes', c.access_token_lifetime_minutes," \
	"  'refresh_token_expiration_minutes', c.refresh_token_lifetime_minutes," \
	"  'audiences', (SELECT coalesce(jsonb_agg(a.audience ORDER BY a.position), '[]')" \
	"                FROM server_audiences a WHERE a.server_id = s.id))"
#define PARAM_DOC \
	"jsonb_build_object('name', $3::text, 'description', $4::text," \
	"  'resource_identifier', $5::text, 'access_token_expiration_minutes', $6::int," \
	"  'refresh_token_expiration_minutes', $7::int, 'audiences', $8::jsonb)"
/* Only the keys whose values differ, so an audit row shows what changed. */
#define DIFF(x, y) "(SELECT jsonb_object_agg(key, value) FROM jsonb_each(" x ") WHERE (" y ")->key IS DISTINCT FROM value)"

/* Columns after the DB_AUTH_NCOLS auth columns. */
enum { COL_ID, COL_NAME, COL_DESCRIPTION, COL_RESOURCE, COL_ACCESS, COL_REFRESH, COL_AUDIENCES,
       COL_VERSION };

enum { S_INSERT, S_UPDATE, S_GET, S_LIST, S_DELETE };

/* Parameters of every statement: $1 token hash, $2 accepted scopes (DB_AUTH_CTE). */
const struct db_stmt db_server_stmts[] = {
	[S_INSERT] = { "server_insert",
		"WITH " DB_AUTH_CTE ", s AS ("
		"  INSERT INTO servers (tenant_id, name, description)"
		"  SELECT tenant_id, $3, $4 FROM ok RETURNING id, tenant_id"
		"), c AS ("
		"  INSERT INTO server_configurations (server_id, resource_identifier,"
		"    access_token_lifetime_minutes, refresh_token_lifetime_minutes)"
		"  SELECT id, $5, $6, $7 FROM s"
		"), a AS ("
		"  INSERT INTO server_audiences (server_id, audience, position)"
		"  SELECT s.id, t.audience, t.ord - 1"
		"  FROM s, jsonb_array_elements_text($8::jsonb) WITH ORDINALITY AS t(audience, ord)"
		"), g AS ("
		"  INSERT INTO server_grant_types (server_id, grant_type_id)"
		"  SELECT s.id, gt.id FROM s, grant_types gt"
		"  WHERE gt.name IN (SELECT jsonb_array_elements_text($9::jsonb))"
		"), ev AS ("
		"  INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, after)"
		"  SELECT s.tenant_id, ok.credential_id, 'server.create', 'server', s.id::text, " PARAM_DOC
		"  FROM s, ok"
		") SELECT " DB_AUTH_COLUMNS ", s.id FROM auth LEFT JOIN s ON true", 9 },
	[S_UPDATE] = { "server_update",
		"WITH " DB_AUTH_CTE ", old AS ("
		"  SELECT s.id, s.tenant_id, " SERVER_DOC " AS doc"
		"  FROM servers s JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true"
		"  WHERE s.id = $9 AND s.tenant_id = (SELECT tenant_id FROM ok) FOR UPDATE OF s"
		"), s AS ("
		"  UPDATE servers SET name = $3, description = $4, version = version + 1,"
		"    updated_at = greatest(now(), created_at)"
		"  WHERE id = (SELECT id FROM old) RETURNING id, tenant_id"
		"), c AS ("
		"  UPDATE server_configurations c SET resource_identifier = $5,"
		"    access_token_lifetime_minutes = $6, refresh_token_lifetime_minutes = $7"
		"  FROM s WHERE c.server_id = s.id"
		"), d AS ("
		"  DELETE FROM server_audiences a USING s WHERE a.server_id = s.id"
		"    AND a.audience NOT IN (SELECT jsonb_array_elements_text($8::jsonb))"
		"), i AS ("
		"  INSERT INTO server_audiences (server_id, audience, position)"
		"  SELECT s.id, t.audience, t.ord - 1"
		"  FROM s, jsonb_array_elements_text($8::jsonb) WITH ORDINALITY AS t(audience, ord)"
		"  ON CONFLICT (server_id, audience) DO UPDATE SET position = excluded.position"
		"), ev AS ("
		"  INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, before, after)"
		"  SELECT s.tenant_id, ok.credential_id, 'server.update', 'server', s.id::text,"
		"    " DIFF("old.doc", PARAM_DOC) ", " DIFF(PARAM_DOC, "old.doc")
		"  FROM s, ok, old"
		") SELECT " DB_AUTH_COLUMNS ", s.id FROM auth LEFT JOIN s ON true", 9 },
	[S_GET] = { "server_get",
		"WITH " DB_AUTH_CTE
		" SELECT " DB_AUTH_COLUMNS ", s.* FROM auth LEFT JOIN ("
		"  SELECT " SERVER_COLUMNS
		"  FROM servers s JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true"
		"  WHERE s.id = $3 AND s.tenant_id = (SELECT tenant_id FROM ok)) AS s ON true", 3 },
	[S_LIST] = { "server_list",
		"WITH " DB_AUTH_CTE
		" SELECT " DB_AUTH_COLUMNS ", s.* FROM auth LEFT JOIN LATERAL ("
		"  SELECT " SERVER_COLUMNS
		"  FROM servers s JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true"
		"  WHERE s.tenant_id = auth.tenant_id AND auth.status = 200"
		"    AND ($3::text IS NULL OR strpos(lower(s.name), lower($3)) > 0)"
		"  ORDER BY s.id LIMIT $4) AS s ON true ORDER BY s.id", 4 },
	[S_DELETE] = { "server_delete",
		"WITH " DB_AUTH_CTE ", old AS ("
		"  SELECT s.id, " SERVER_DOC " AS doc"
		"  FROM servers s JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true"
		"  WHERE s.id = $3 AND s.tenant_id = (SELECT tenant_id FROM ok) FOR UPDATE OF s"
		"), s AS ("
		"  DELETE FROM servers WHERE id = (SELECT id FROM old) RETURNING id, tenant_id"
		"), ev AS ("
		"  INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, before)"
		"  SELECT s.tenant_id, ok.credential_id, 'server.delete', 'server', s.id::text, old.doc"
		"  FROM s, ok, old"
		") SELECT " DB_AUTH_COLUMNS ", s.id FROM auth LEFT JOIN s ON true", 3 },
	{ NULL, NULL, 0 },
};

/* Auth status of row 0, then whether the statement touched (or found) a server. */
static status_t write_result(PGresult *res, struct auth *auth, int64_t *id)
{
	status_t st = db_auth_result(res, auth);
	if (st != ST_OK)
		return st;
	if (PQgetisnull(res, 0, DB_AUTH_NCOLS))
		return ST_NOT_FOUND;
	if (id != NULL)
		*id = strtoll(PQgetvalue(res, 0, DB_AUTH_NCOLS), NULL, 10);
	return ST_OK;
}

status_t db_server_insert(struct db *db, arena_t *a, struct auth *auth, const struct server *s,
			  int64_t *id)
{
	status_t st;
	const char *p[9] = {
		auth->token_hash, auth->scopes, s->name, s->description, s->resource_identifier,
		db_i64(a, s->access_ttl_minutes), db_i64(a, s->refresh_ttl_minutes), db_strings_json(a, s->audiences, s->naudiences),
		db_strings_json(a, s->grant_types.items, s->grant_types.n),
	};
	PGresult *res = db_exec(db, a, &db_server_stmts[S_INSERT], p, &st, NULL);
	if (res == NULL)
		return st;
	st = write_result(res, auth, id);
	/* authorized yet nothing inserted cannot happen: the CTE inserts for every ok row */
	return st == ST_NOT_FOUND ? ST_INTERNAL : st;
}

status_t db_server_update(struct db *db, arena_t *a, struct auth *auth, const struct server *s)
{
	status_t st;
	const char *p[9] = {
		auth->token_hash, auth->scopes, s->name, s->description, s->resource_identifier,
		db_i64(a, s->access_ttl_minutes), db_i64(a, s->refresh_ttl_minutes), db_strings_json(a, s->audiences, s->naudiences),
		db_i64(a, s->id),
	};
	PGresult *res = db_exec(db, a, &db_server_stmts[S_UPDATE], p, &st, NULL);
	if (res == NULL)
		return st;
	return write_result(res, auth, NULL);
}

/* Fills out from row i; returns ST_INTERNAL if the database sent what it cannot have. */
static status_t row_to_server(arena_t *a, PGresult *res, int i, struct server *out)
{
	const int o = DB_AUTH_NCOLS;
	memset(out, 0, sizeof(*out));
	out->id = strtoll(PQgetvalue(res, i, o + COL_ID), NULL, 10);
	out->name = PQgetvalue(res, i, o + COL_NAME);
	out->description = PQgetisnull(res, i, o + COL_DESCRIPTION) ? NULL
								      : PQgetvalue(res, i, o + COL_DESCRIPTION);
	out->resource_identifier = PQgetisnull(res, i, o + COL_RESOURCE) ? NULL
									 : PQgetvalue(res, i, o + COL_RESOURCE);
	out->access_ttl_minutes = atoi(PQgetvalue(res, i, o + COL_ACCESS));
	out->refresh_ttl_minutes = atoi(PQgetvalue(res, i, o + COL_REFRESH));
	out->version = atoi(PQgetvalue(res, i, o + COL_VERSION));

	json_t *arr = json_loads(PQgetvalue(res, i, o + COL_AUDIENCES), 0, NULL);
	if (!json_is_array(arr)) {
		json_decref(arr);
		log_error("db: server %lld: audiences are not a JSON array", (long long)out->id);
		return ST_INTERNAL;
	}
	size_t n = json_array_size(arr);
	out->audiences = arena_alloc(a, (n ? n : 1) * sizeof(char *));
	for (size_t k = 0; k < n; k++)
		out->audiences[k] = arena_strdup(a, json_string_value(json_array_get(arr, k)));
	out->naudiences = n;
	json_decref(arr);
	return ST_OK;
}

status_t db_server_get(struct db *db, arena_t *a, struct auth *auth, int64_t id, struct server *out)
{
	status_t st;
	const char *p[3] = { auth->token_hash, auth->scopes, db_i64(a, id) };
	PGresult *res = db_exec(db, a, &db_server_stmts[S_GET], p, &st, NULL);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	if (PQgetisnull(res, 0, DB_AUTH_NCOLS))
		return ST_NOT_FOUND;
	return row_to_server(a, res, 0, out);
}

status_t db_server_list(struct db *db, arena_t *a, struct auth *auth, const char *name_part,
			int limit, struct server **out, size_t *n)
{
	status_t st;
	const char *p[4] = { auth->token_hash, auth->scopes, name_part, db_i64(a, limit) };
	PGresult *res = db_exec(db, a, &db_server_stmts[S_LIST], p, &st, NULL);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	int rows = PQntuples(res);
	*out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(struct server));
	*n = 0;
	for (int i = 0; i < rows; i++) {
		if (PQgetisnull(res, i, DB_AUTH_NCOLS))
			continue;     /* the lone auth row of an empty list */
		if ((st = row_to_server(a, res, i, &(*out)[*n])) != ST_OK)
			return st;
		(*n)++;
	}
	return ST_OK;
}

status_t db_server_delete(struct db *db, arena_t *a, struct auth *auth, int64_t id)
{
	status_t st;
	const char *p[3] = { auth->token_hash, auth->scopes, db_i64(a, id) };
	PGresult *res = db_exec(db, a, &db_server_stmts[S_DELETE], p, &st, NULL);
	if (res == NULL)
		return st;
	return write_result(res, auth, NULL);
}

/* SQL for authorization servers. Writes are single statements with data-modifying CTEs:
 * atomic without BEGIN/COMMIT round trips. Lists travel as JSON text parameters, so no
 * array literal is ever built by hand. */
#include "db/db_server.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonx.h"
#include "log.h"

#define SERVER_COLUMNS \
	"s.id, s.name, s.description, c.resource_identifier, " \
	"c.access_token_lifetime_minutes, c.refresh_token_lifetime_minutes, " \
	"(SELECT coalesce(json_agg(a.audience ORDER BY a.position), '[]') " \
	"   FROM server_audiences a WHERE a.server_id = s.id)::text, " \
	"s.version, " \
	"to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), " \
	"to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "

enum { COL_ID, COL_NAME, COL_DESCRIPTION, COL_RESOURCE, COL_ACCESS, COL_REFRESH, COL_AUDIENCES,
       COL_VERSION, COL_CREATED, COL_UPDATED };

enum { S_INSERT, S_UPDATE, S_GET, S_LIST, S_DELETE };

const struct db_stmt db_server_stmts[] = {
	[S_INSERT] = { "server_insert",
		"WITH s AS ("
		"  INSERT INTO servers (tenant_id, name, description) VALUES ($1, $2, $3) RETURNING id"
		"), c AS ("
		"  INSERT INTO server_configurations (server_id, resource_identifier,"
		"    access_token_lifetime_minutes, refresh_token_lifetime_minutes)"
		"  SELECT id, $4, $5, $6 FROM s"
		"), a AS ("
		"  INSERT INTO server_audiences (server_id, audience, position)"
		"  SELECT s.id, t.audience, t.ord - 1"
		"  FROM s, json_array_elements_text($7::json) WITH ORDINALITY AS t(audience, ord)"
		"), g AS ("
		"  INSERT INTO server_grant_types (server_id, grant_type_id)"
		"  SELECT s.id, gt.id FROM s, grant_types gt"
		"  WHERE gt.name IN (SELECT json_array_elements_text($8::json))"
		") SELECT id FROM s", 8 },
	[S_UPDATE] = { "server_update",
		"WITH s AS ("
		"  UPDATE servers SET name = $3, description = $4, version = version + 1,"
		"    updated_at = greatest(now(), created_at)"
		"  WHERE id = $2 AND tenant_id = $1 RETURNING id"
		"), c AS ("
		"  UPDATE server_configurations c SET resource_identifier = $5,"
		"    access_token_lifetime_minutes = $6, refresh_token_lifetime_minutes = $7"
		"  FROM s WHERE c.server_id = s.id"
		"), d AS ("
		"  DELETE FROM server_audiences a USING s WHERE a.server_id = s.id"
		"    AND a.audience NOT IN (SELECT json_array_elements_text($8::json))"
		"), i AS ("
		"  INSERT INTO server_audiences (server_id, audience, position)"
		"  SELECT s.id, t.audience, t.ord - 1"
		"  FROM s, json_array_elements_text($8::json) WITH ORDINALITY AS t(audience, ord)"
		"  ON CONFLICT (server_id, audience) DO UPDATE SET position = excluded.position"
		") SELECT id FROM s", 8 },
	[S_GET] = { "server_get",
		"SELECT " SERVER_COLUMNS
		"FROM servers s JOIN server_configurations c ON c.server_id = s.id "
		"WHERE s.id = $2 AND s.tenant_id = $1", 2 },
	[S_LIST] = { "server_list",
		"SELECT " SERVER_COLUMNS
		"FROM servers s JOIN server_configurations c ON c.server_id = s.id "
		"WHERE s.tenant_id = $1 AND ($2::text IS NULL OR strpos(lower(s.name), lower($2)) > 0) "
		"ORDER BY s.id LIMIT $3", 3 },
	[S_DELETE] = { "server_delete",
		"DELETE FROM servers WHERE id = $2 AND tenant_id = $1 RETURNING id", 2 },
	{ NULL, NULL, 0 },
};

static char *i64(arena_t *a, int64_t v)
{
	return arena_sprintf(a, "%lld", (long long)v);
}

static const char *audiences_json(arena_t *a, const struct server *s)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < s->naudiences; i++)
		json_array_append_new(arr, json_string(s->audiences[i]));
	size_t len;
	char *text = jsonx_dump(a, arr, &len);
	json_decref(arr);
	return text;
}

status_t db_server_insert(struct db *db, arena_t *a, int64_t tenant_id, const struct server *s,
			  const char *grant_types_json, int64_t *id)
{
	status_t st;
	const char *p[8] = {
		i64(a, tenant_id), s->name, s->description, s->resource_identifier,
		i64(a, s->access_ttl_minutes), i64(a, s->refresh_ttl_minutes),
		audiences_json(a, s),
		grant_types_json ? grant_types_json : DB_SERVER_DEFAULT_GRANT_TYPES,
	};
	PGresult *res = db_exec(db, a, &db_server_stmts[S_INSERT], p, &st, NULL);
	if (res == NULL)
		return st;
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	return ST_OK;
}

status_t db_server_update(struct db *db, arena_t *a, int64_t tenant_id, const struct server *s)
{
	status_t st;
	const char *p[8] = {
		i64(a, tenant_id), i64(a, s->id), s->name, s->description, s->resource_identifier,
		i64(a, s->access_ttl_minutes), i64(a, s->refresh_ttl_minutes), audiences_json(a, s),
	};
	PGresult *res = db_exec(db, a, &db_server_stmts[S_UPDATE], p, &st, NULL);
	if (res == NULL)
		return st;
	return PQntuples(res) == 1 ? ST_OK : ST_NOT_FOUND;
}

/* Fills out from row i; returns ST_INTERNAL if the database sent what it cannot have. */
static status_t row_to_server(arena_t *a, PGresult *res, int i, struct server *out)
{
	memset(out, 0, sizeof(*out));
	out->id = strtoll(PQgetvalue(res, i, COL_ID), NULL, 10);
	out->name = PQgetvalue(res, i, COL_NAME);
	out->description = PQgetisnull(res, i, COL_DESCRIPTION) ? NULL
								  : PQgetvalue(res, i, COL_DESCRIPTION);
	out->resource_identifier = PQgetvalue(res, i, COL_RESOURCE);
	out->access_ttl_minutes = atoi(PQgetvalue(res, i, COL_ACCESS));
	out->refresh_ttl_minutes = atoi(PQgetvalue(res, i, COL_REFRESH));
	out->version = atoi(PQgetvalue(res, i, COL_VERSION));
	out->created_at = PQgetvalue(res, i, COL_CREATED);
	out->updated_at = PQgetvalue(res, i, COL_UPDATED);

	const char *aud = PQgetvalue(res, i, COL_AUDIENCES);
	json_t *arr = json_loads(aud, 0, NULL);
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

status_t db_server_get(struct db *db, arena_t *a, int64_t tenant_id, int64_t id, struct server *out)
{
	status_t st;
	const char *p[2] = { i64(a, tenant_id), i64(a, id) };
	PGresult *res = db_exec(db, a, &db_server_stmts[S_GET], p, &st, NULL);
	if (res == NULL)
		return st;
	if (PQntuples(res) != 1)
		return ST_NOT_FOUND;
	return row_to_server(a, res, 0, out);
}

status_t db_server_list(struct db *db, arena_t *a, int64_t tenant_id, const char *name_part,
			int limit, struct server **out, size_t *n)
{
	status_t st;
	const char *p[3] = { i64(a, tenant_id), name_part, i64(a, limit) };
	PGresult *res = db_exec(db, a, &db_server_stmts[S_LIST], p, &st, NULL);
	if (res == NULL)
		return st;
	int rows = PQntuples(res);
	*out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(struct server));
	*n = 0;
	for (int i = 0; i < rows; i++) {
		st = row_to_server(a, res, i, &(*out)[i]);
		if (st != ST_OK)
			return st;
		(*n)++;
	}
	return ST_OK;
}

status_t db_server_delete(struct db *db, arena_t *a, int64_t tenant_id, int64_t id)
{
	status_t st;
	const char *p[2] = { i64(a, tenant_id), i64(a, id) };
	PGresult *res = db_exec(db, a, &db_server_stmts[S_DELETE], p, &st, NULL);
	if (res == NULL)
		return st;
	return PQntuples(res) == 1 ? ST_OK : ST_NOT_FOUND;
}

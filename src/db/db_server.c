/* Servers in OneLogin's shape: documents in, rows out (src/db/sql/server_*.sql). */
#include "db/db_server.h"

#include <string.h>

#include "core/log.h"
#include "core/jsonx.h"
#include "db/db_fields.h"

static const struct db_field server_fields[] = {
	DB_FIELD(struct server, id, "id", DB_F_INT64),
	DB_FIELD(struct server, name, "name", DB_F_TEXT),
	DB_FIELD(struct server, description, "description", DB_F_TEXT),
	DB_FIELD(struct server, resource_identifier, "resource_identifier", DB_F_TEXT),
	DB_FIELD(struct server, access_ttl_minutes, "access_token_lifetime_minutes", DB_F_INT),
	DB_FIELD(struct server, refresh_ttl_minutes, "refresh_token_lifetime_minutes", DB_F_INT),
	DB_FIELD(struct server, version, "version", DB_F_INT),
};

/* The document a write sends: the model's fields under their canonical names. */
static json_t *server_doc(const struct server *s)
{
	json_t *doc = json_pack("{s:s?, s:o, s:s?, s:o, s:i, s:i, s:o}", "name", s->name,
				"description", jsonx_string_or_null(s->description),
				"resource_identifier", s->resource_identifier,
				"audiences", db_strings_array(s->audiences, s->naudiences),
				"access_token_expiration_minutes", s->access_ttl_minutes,
				"refresh_token_expiration_minutes", s->refresh_ttl_minutes,
				"grant_types", db_strings_array(s->grant_types.items, s->grant_types.n));
	return doc;
}

/* Servers from rows [0, count), into an arena array; ST_INTERNAL if the database sent what
 * it cannot have. */
static status_t read_servers(arena_t *a, const struct db_rows *rows, int count, struct server **out)
{
	struct server proto;
	server_init(&proto);
	if (db_fields_read_all(a, rows, 0, count, server_fields, DB_NFIELDS(server_fields), &proto, sizeof(proto),
			       (void **)out) != 0)
		return ST_INTERNAL;
	for (int i = 0; i < count; i++) {
		struct server *s = &(*out)[i];
		if (s->name == NULL ||
		    db_json_strings(a, db_json(a, rows, i, "audiences"), &s->audiences, &s->naudiences) != 0) {
			log_error("db: server %lld: malformed row", (long long)s->id);
			return ST_INTERNAL;
		}
	}
	return ST_OK;
}

status_t db_server_insert(struct db *db, arena_t *a, struct caller *caller, const struct server *s,
			  int64_t *id)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_SERVER_CREATE, &rows, "j", server_doc(s));
	if (st == ST_OK)
		*id = db_int(&rows, 0, "id");
	return st;
}

status_t db_server_update(struct db *db, arena_t *a, struct caller *caller, const struct server *s)
{
	return db_call(db, a, caller, DB_STMT_SERVER_REPLACE, NULL, "ij", s->id, server_doc(s));
}

status_t db_server_get(struct db *db, arena_t *a, struct caller *caller, int64_t id, struct server *out)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_SERVER_GET, &rows, "i", id);
	if (st != ST_OK)
		return st;
	if (rows.n != 1)
		return ST_NOT_FOUND;
	struct server *one;
	st = read_servers(a, &rows, 1, &one);
	if (st == ST_OK)
		*out = *one;
	return st;
}

status_t db_server_list(struct db *db, arena_t *a, struct caller *caller, const char *name_part,
			int limit, struct server **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_SERVER_LIST, &rows, "ti", name_part, (int64_t)limit);
	if (st != ST_OK)
		return st;
	*n = (size_t)rows.n;
	return read_servers(a, &rows, rows.n, out);
}

status_t db_server_delete(struct db *db, arena_t *a, struct caller *caller, int64_t id)
{
	return db_call(db, a, caller, DB_STMT_SERVER_DELETE, NULL, "i", id);
}

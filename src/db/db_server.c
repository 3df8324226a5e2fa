/* Servers in OneLogin's shape: documents in, rows out (src/db/sql/server_*.sql). */
#include "db/db_server.h"

#include <string.h>

#include "core/log.h"
#include "db/db_internal.h"

/* The document a write sends: the model's fields under their canonical names. */
static json_t *server_doc(const struct server *s)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "name", json_string(s->name));
	json_object_set_new(doc, "description", s->description ? json_string(s->description) : json_null());
	json_object_set_new(doc, "resource_identifier", json_string(s->resource_identifier));
	json_object_set_new(doc, "audiences", db_strings_array(s->audiences, s->naudiences));
	json_object_set_new(doc, "access_token_expiration_minutes", json_integer(s->access_ttl_minutes));
	json_object_set_new(doc, "refresh_token_expiration_minutes", json_integer(s->refresh_ttl_minutes));
	json_object_set_new(doc, "grant_types", db_strings_array(s->grant_types.items, s->grant_types.n));
	return doc;
}

/* Fills out from row i; ST_INTERNAL if the database sent what it cannot have. */
static status_t row_to_server(arena_t *a, const struct db_rows *rows, int i, struct server *out)
{
	server_init(out);
	out->id = db_int(rows, i, "id");
	out->name = db_text(rows, i, "name");
	out->description = db_text(rows, i, "description");
	out->resource_identifier = db_text(rows, i, "resource_identifier");
	out->access_ttl_minutes = (int)db_int(rows, i, "access_token_lifetime_minutes");
	out->refresh_ttl_minutes = (int)db_int(rows, i, "refresh_token_lifetime_minutes");
	out->version = (int)db_int(rows, i, "version");
	if (out->name == NULL ||
	    db_json_strings(a, db_json(a, rows, i, "audiences"), &out->audiences, &out->naudiences) != 0) {
		log_error("db: server %lld: malformed row", (long long)out->id);
		return ST_INTERNAL;
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
	return rows.n == 1 ? row_to_server(a, &rows, 0, out) : ST_NOT_FOUND;
}

status_t db_server_list(struct db *db, arena_t *a, struct caller *caller, const char *name_part,
			int limit, struct server **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_SERVER_LIST, &rows, "ti", name_part, (int64_t)limit);
	if (st != ST_OK)
		return st;
	*out = arena_alloc(a, (size_t)(rows.n ? rows.n : 1) * sizeof(struct server));
	*n = (size_t)rows.n;
	for (int i = 0; i < rows.n && st == ST_OK; i++)
		st = row_to_server(a, &rows, i, &(*out)[i]);
	return st;
}

status_t db_server_delete(struct db *db, arena_t *a, struct caller *caller, int64_t id)
{
	return db_call(db, a, caller, DB_STMT_SERVER_DELETE, NULL, "i", id);
}

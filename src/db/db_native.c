/* The authzd-native management API's statements (src/db/sql/caller_me.sql, audit_list.sql,
 * app_secret_*.sql, server_keys.sql): rows read by column name into plain structs. */
#include "db/db_native.h"

#include "core/crypto.h"
#include "db/db_fields.h"
#include "db/db_internal.h"

status_t db_native_me(struct db *db, arena_t *a, struct caller *caller, struct db_me *out)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_CALLER_ME, &rows, "");
	if (st != ST_OK)
		return st;
	if (rows.n != 1)
		return ST_NOT_FOUND;
	out->client_id = db_text(&rows, 0, "client_id");
	out->tenant = db_text(&rows, 0, "tenant");
	out->scopes = db_json(a, &rows, 0, "scopes");
	return out->scopes != NULL ? ST_OK : ST_INTERNAL;
}

status_t db_native_audit(struct db *db, arena_t *a, struct caller *caller, const struct db_audit_filter *f,
			 struct db_audit_event **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_AUDIT_LIST, &rows, "tttni", f->object_type, f->object_id,
			      f->actor, f->before_id, (int64_t)f->limit);
	if (st != ST_OK)
		return st;
	*n = (size_t)rows.n;
	*out = arena_alloc(a, (*n ? *n : 1) * sizeof(**out));
	for (int i = 0; i < rows.n; i++) {
		struct db_audit_event *e = &(*out)[i];
		e->id = db_int(&rows, i, "id");
		e->occurred_us = db_int(&rows, i, "occurred_us");
		e->actor = db_text(&rows, i, "actor");
		e->action = db_text(&rows, i, "action");
		e->object_type = db_text(&rows, i, "object_type");
		e->object_id = db_text(&rows, i, "object_id");
		e->before = db_json(a, &rows, i, "before");
		e->after = db_json(a, &rows, i, "after");
	}
	return ST_OK;
}

/* A NULL timestamp (never used, no expiry) reads as 0. */
static const struct db_field secret_fields[] = {
	DB_FIELD(struct db_app_secret, id, "id", DB_F_INT64),
	DB_FIELD(struct db_app_secret, created_us, "created_us", DB_F_INT64),
	DB_FIELD(struct db_app_secret, expires_us, "expires_us", DB_F_INT64),
	DB_FIELD(struct db_app_secret, last_used_us, "last_used_us", DB_F_INT64),
};

/* The rows of a statement about one object (id): ST_NOT_FOUND when there is no row (no such
 * object in the caller's tenant), none when its one row has a NULL in the map's first
 * column (an object with nothing to list: the statements LEFT JOIN what they list). */
static status_t rows_of(struct db *db, arena_t *a, struct caller *caller, enum db_stmt_id stmt, int64_t id,
			const struct db_field *map, size_t nmap, const void *proto, size_t size, void **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, stmt, &rows, "i", id);
	if (st != ST_OK)
		return st;
	if (rows.n == 0)
		return ST_NOT_FOUND;
	if (rows.n == 1 && db_is_null(&rows, 0, map[0].name)) {
		*n = 0;
		*out = NULL;
		return ST_OK;
	}
	return db_fields_rows(a, &rows, map, nmap, proto, size, out, n);
}

status_t db_native_secrets(struct db *db, arena_t *a, struct caller *caller, int64_t app_id,
			   struct db_app_secret **out, size_t *n)
{
	static const struct db_app_secret none;
	return rows_of(db, a, caller, DB_STMT_APP_SECRET_LIST, app_id, secret_fields, DB_NFIELDS(secret_fields), &none,
		       sizeof(none), (void **)out, n);
}

status_t db_native_secret_add(struct db *db, arena_t *a, struct caller *caller, int64_t app_id,
			      const unsigned char *hash, struct db_app_secret *out)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_APP_SECRET_ADD, &rows, "ih", app_id, hash);
	if (st != ST_OK)
		return st;
	if (rows.n != 1)
		return ST_INTERNAL;
	out->id = db_int(&rows, 0, "id");
	out->created_us = db_int(&rows, 0, "created_us");
	out->expires_us = out->last_used_us = 0;
	return ST_OK;
}

status_t db_native_secret_retire(struct db *db, arena_t *a, struct caller *caller, int64_t app_id,
				 int64_t secret_id)
{
	return db_call(db, a, caller, DB_STMT_APP_SECRET_RETIRE, NULL, "ii", app_id, secret_id);
}

static const struct db_field key_fields[] = {
	DB_FIELD(struct db_server_key, kid, "kid", DB_F_TEXT),
	DB_FIELD(struct db_server_key, alg, "alg", DB_F_TEXT),
	DB_FIELD(struct db_server_key, state, "state", DB_F_TEXT),
	DB_FIELD(struct db_server_key, published_us, "published_us", DB_F_INT64),
	DB_FIELD(struct db_server_key, signs_from_us, "signs_from_us", DB_F_INT64),
};

status_t db_native_server_keys(struct db *db, arena_t *a, struct caller *caller, int64_t server_id,
			       struct db_server_key **out, size_t *n)
{
	static const struct db_server_key none;
	return rows_of(db, a, caller, DB_STMT_SERVER_KEYS, server_id, key_fields, DB_NFIELDS(key_fields), &none,
		       sizeof(none), (void **)out, n);
}

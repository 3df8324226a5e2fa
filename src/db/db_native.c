/* The authzd-native management API's statements (src/db/sql/caller_me.sql, audit_list.sql,
 * app_secret_*.sql): rows read by column name into plain structs. */
#include "db/db_native.h"

#include "core/crypto.h"
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
static int64_t us_or_zero(const struct db_rows *rows, int i, const char *col)
{
	return db_is_null(rows, i, col) ? 0 : db_int(rows, i, col);
}

status_t db_native_secrets(struct db *db, arena_t *a, struct caller *caller, int64_t app_id,
			   struct db_app_secret **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_APP_SECRET_LIST, &rows, "i", app_id);
	if (st != ST_OK)
		return st;
	if (rows.n == 0)
		return ST_NOT_FOUND;
	*out = arena_alloc(a, (size_t)rows.n * sizeof(**out));
	*n = 0;
	for (int i = 0; i < rows.n; i++) {
		if (db_is_null(&rows, i, "id"))
			continue;       /* the application has no secret (a Venafi one) */
		struct db_app_secret *s = &(*out)[(*n)++];
		s->id = db_int(&rows, i, "id");
		s->created_us = db_int(&rows, i, "created_us");
		s->expires_us = us_or_zero(&rows, i, "expires_us");
		s->last_used_us = us_or_zero(&rows, i, "last_used_us");
	}
	return ST_OK;
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

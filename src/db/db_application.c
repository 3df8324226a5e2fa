/* Applications (src/db/sql/application_*.sql, vapp_*.sql): one row reader for every
 * statement that returns api.application_rows. */
#include "db/db_application.h"

#include <string.h>

#include "db/db_internal.h"

static void row_to_app(const struct db_rows *rows, int i, struct application *out)
{
	application_init(out);
	out->id = db_int(rows, i, "id");
	out->uuid = db_text(rows, i, "uuid");
	out->client_id = db_text(rows, i, "client_id");
	out->name = db_text(rows, i, "name");
	out->description = db_text(rows, i, "description");
	out->vendor = db_text(rows, i, "vendor");
	out->url = db_text(rows, i, "url");
	out->scope = db_text(rows, i, "scope");
	out->maximum_scope = db_text(rows, i, "maximum_scope");
	out->access_validity_seconds = (int)db_int(rows, i, "access_validity_seconds");
	out->grant_validity_seconds = (int)db_int(rows, i, "grant_validity_seconds");
	out->renewable = db_bool(rows, i, "renewable");
	out->created_us = db_int(rows, i, "created_us");
	out->updated_us = db_int(rows, i, "updated_us");
	if (PQfnumber(rows->res, "grant_count") >= 0)
		out->grant_count = (long)db_int(rows, i, "grant_count");
}

static status_t read_apps(arena_t *a, const struct db_rows *rows, struct application **out, size_t *n)
{
	*out = arena_alloc(a, (size_t)(rows->n ? rows->n : 1) * sizeof(**out));
	*n = (size_t)rows->n;
	for (int i = 0; i < rows->n; i++)
		row_to_app(rows, i, &(*out)[i]);
	return ST_OK;
}

/* A statement's result that holds at most one application, into out. */
static status_t one(status_t st, const struct db_rows *rows, struct application *out)
{
	if (st != ST_OK)
		return st;
	if (rows->n != 1)
		return ST_NOT_FOUND;
	row_to_app(rows, 0, out);
	return ST_OK;
}

static json_t *text_json(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *app_doc(const struct application *app, enum application_fields fields)
{
	json_t *d = json_object();
	json_object_set_new(d, "name", json_string(app->name));
	json_object_set_new(d, "description", text_json(app->description));
	if (fields == APPLICATION_NAME_ONLY)
		return d;
	json_object_set_new(d, "client_id", text_json(app->client_id));
	json_object_set_new(d, "vendor", text_json(app->vendor));
	json_object_set_new(d, "url", text_json(app->url));
	json_object_set_new(d, "scope", text_json(app->scope));
	json_object_set_new(d, "maximum_scope", text_json(app->maximum_scope));
	json_object_set_new(d, "access_validity_seconds", json_integer(app->access_validity_seconds));
	json_object_set_new(d, "grant_validity_seconds", json_integer(app->grant_validity_seconds));
	json_object_set_new(d, "renewable", json_boolean(app->renewable));
	return d;
}

status_t db_application_insert(struct db *db, arena_t *a, struct caller *caller, struct application *app,
			       const unsigned char *secret_hash)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_APPLICATION_CREATE, &rows, "jh",
			      app_doc(app, APPLICATION_ALL_FIELDS), secret_hash);
	return one(st, &rows, app);
}

status_t db_application_list(struct db *db, arena_t *a, struct caller *caller, struct application **out,
			     size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_APPLICATION_LIST, &rows, "");
	return st != ST_OK ? st : read_apps(a, &rows, out, n);
}

status_t db_application_get(struct db *db, arena_t *a, struct caller *caller, int64_t id,
			    struct application *out)
{
	struct db_rows rows;
	return one(db_call(db, a, caller, DB_STMT_APPLICATION_GET, &rows, "i", id), &rows, out);
}

/* The key of an update or delete: by id when there is one, else by client id. */
static const char *id_text(arena_t *a, int64_t id)
{
	return id > 0 ? arena_sprintf(a, "%lld", (long long)id) : NULL;
}

status_t db_application_update(struct db *db, arena_t *a, struct caller *caller, int64_t id,
			       struct application *app, enum application_fields fields)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_APPLICATION_UPDATE, &rows, "ttj", id_text(a, id), app->client_id,
			      app_doc(app, fields));
	return one(st, &rows, app);
}

status_t db_application_delete(struct db *db, arena_t *a, struct caller *caller, int64_t id,
			       const char *client_id)
{
	return db_call(db, a, caller, DB_STMT_APPLICATION_DELETE, NULL, "tt", id_text(a, id), client_id);
}

status_t db_application_find(struct db *db, arena_t *a, struct caller *caller, const char *const *client_ids,
			     size_t nids, struct application **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_VAPP_GET, &rows, "j", db_strings_array(client_ids, nids));
	return st != ST_OK ? st : read_apps(a, &rows, out, n);
}

status_t db_application_enumerate(struct db *db, arena_t *a, struct caller *caller, int start, int count,
				  int order_by, int descending, struct application **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_VAPP_ENUMERATE, &rows, "iiib", (int64_t)start, (int64_t)count,
			      (int64_t)order_by, descending);
	return st != ST_OK ? st : read_apps(a, &rows, out, n);
}

status_t db_application_grants(struct db *db, arena_t *a, struct caller *caller, const char *client_id,
			       int start, int count, struct grant **out, size_t *n, long *total)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_VAPP_GRANTS, &rows, "tii", client_id, (int64_t)start,
			      (int64_t)count);
	if (st != ST_OK)
		return st;
	if (rows.n == 0)
		return ST_NOT_FOUND;
	*total = (long)db_int(&rows, 0, "total");
	*out = arena_alloc(a, (size_t)rows.n * sizeof(**out));
	*n = 0;
	for (int i = 0; i < rows.n; i++) {
		if (db_is_null(&rows, i, "grant_id"))
			continue;
		struct grant *g = &(*out)[(*n)++];
		g->access_issued_us = db_int(&rows, i, "access_issued_us");
		g->grant_issued_us = db_int(&rows, i, "grant_issued_us");
		g->expires_us = db_int(&rows, i, "expires_us");
		g->application = db_text(&rows, i, "application");
		g->grantee = db_text(&rows, i, "grantee");
		g->scope = db_text(&rows, i, "scope");
	}
	return ST_OK;
}

status_t db_application_revoke_grants(struct db *db, arena_t *a, struct caller *caller, const char *client_id,
				      long *revoked)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_APPLICATION_REVOKE_GRANTS, &rows, "t", client_id);
	if (st == ST_OK)
		*revoked = (long)db_int(&rows, 0, "revoked");
	return st;
}

/* Applications (src/db/sql/application_*.sql, vapp_*.sql): one row reader for every
 * statement that returns api.application_rows. */
#include "db/db_application.h"

#include <string.h>

#include "db/db_fields.h"

/* The first APP_DOC_NAME fields are what a rename writes, the first APP_DOC_ALL what any
 * other write sends; the rest only come back. */
#define APP_DOC_NAME 2
#define APP_DOC_ALL 10
static const struct db_field app_fields[] = {
	DB_FIELD(struct application, name, "name", DB_F_TEXT),
	DB_FIELD(struct application, description, "description", DB_F_TEXT),
	DB_FIELD(struct application, client_id, "client_id", DB_F_TEXT),
	DB_FIELD(struct application, vendor, "vendor", DB_F_TEXT),
	DB_FIELD(struct application, url, "url", DB_F_TEXT),
	DB_FIELD(struct application, scope, "scope", DB_F_TEXT),
	DB_FIELD(struct application, maximum_scope, "maximum_scope", DB_F_TEXT),
	DB_FIELD(struct application, access_validity_seconds, "access_validity_seconds", DB_F_INT),
	DB_FIELD(struct application, grant_validity_seconds, "grant_validity_seconds", DB_F_INT),
	DB_FIELD(struct application, renewable, "renewable", DB_F_BOOL),
	DB_FIELD(struct application, id, "id", DB_F_INT64),
	DB_FIELD(struct application, uuid, "uuid", DB_F_TEXT),
	DB_FIELD(struct application, created_us, "created_us", DB_F_INT64),
	DB_FIELD(struct application, updated_us, "updated_us", DB_F_INT64),
	DB_FIELD_OPT(struct application, grant_count, "grant_count", DB_F_LONG),
};

static status_t read_apps(arena_t *a, const struct db_rows *rows, struct application **out, size_t *n)
{
	struct application proto;
	application_init(&proto);
	return db_fields_rows(a, rows, app_fields, DB_NFIELDS(app_fields), &proto, sizeof(proto), (void **)out, n);
}

/* A statement's result that holds at most one application, into out. */
static status_t one(arena_t *a, status_t st, const struct db_rows *rows, struct application *out)
{
	if (st != ST_OK)
		return st;
	if (rows->n != 1)
		return ST_NOT_FOUND;
	application_init(out);
	return db_fields_read(a, rows, 0, app_fields, DB_NFIELDS(app_fields), out) == 0 ? ST_OK : ST_INTERNAL;
}

static json_t *app_doc(const struct application *app, enum application_fields fields)
{
	return db_fields_doc(app_fields, fields == APPLICATION_NAME_ONLY ? APP_DOC_NAME : APP_DOC_ALL, app);
}

status_t db_application_insert(struct db *db, arena_t *a, struct caller *caller, struct application *app,
			       const unsigned char *secret_hash)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_APPLICATION_CREATE, &rows, "jh",
			      app_doc(app, APPLICATION_ALL_FIELDS), secret_hash);
	return one(a, st, &rows, app);
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
	return one(a, db_call(db, a, caller, DB_STMT_APPLICATION_GET, &rows, "i", id), &rows, out);
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
	return one(a, st, &rows, app);
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

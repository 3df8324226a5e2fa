/* Scopes, claims and client links (src/db/sql/{scope,claim,client}_*.sql). The list
 * statements join the server to its children, so no row means no such server and a row
 * with a NULL child means a server without any. */
#include "db/db_resource.h"

#include <stdlib.h>
#include <string.h>

#include "db/db_fields.h"

/* A child list: ST_NOT_FOUND without the server; *n counts the rows with a child. */
static status_t children(struct db *db, arena_t *a, struct caller *caller, enum db_stmt_id id,
			 int64_t server_id, const char *child_col, struct db_rows *rows, size_t *n)
{
	status_t st = db_call(db, a, caller, id, rows, "i", server_id);
	if (st != ST_OK)
		return st;
	if (rows->n == 0)
		return ST_NOT_FOUND;
	*n = db_is_null(rows, 0, child_col) ? 0 : (size_t)rows->n;
	return ST_OK;
}

static const struct db_field scope_fields[] = {
	DB_FIELD(struct scope, id, "id", DB_F_INT64),
	DB_FIELD(struct scope, value, "value", DB_F_TEXT),
	DB_FIELD(struct scope, description, "description", DB_F_TEXT),
};

status_t db_scope_list(struct db *db, arena_t *a, struct caller *caller, int64_t server_id,
		       struct scope **out, size_t *n)
{
	struct db_rows rows;
	status_t st = children(db, a, caller, DB_STMT_SCOPE_LIST, server_id, "id", &rows, n);
	if (st != ST_OK)
		return st;
	return db_fields_read_all(a, &rows, 0, (int)*n, scope_fields, DB_NFIELDS(scope_fields), NULL, sizeof(**out),
				  (void **)out) == 0 ? ST_OK : ST_INTERNAL;
}

/* A write's result: the id it wrote. */
static status_t written_id(status_t st, const struct db_rows *rows, int64_t *id)
{
	if (st == ST_OK)
		*id = db_int(rows, 0, "id");
	return st;
}

status_t db_scope_write(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int create,
			struct scope *s)
{
	struct db_rows rows;
	status_t st = create ? db_call(db, a, caller, DB_STMT_SCOPE_CREATE, &rows, "itt", server_id, s->value,
				       s->description)
			     : db_call(db, a, caller, DB_STMT_SCOPE_UPDATE, &rows, "iitt", server_id, s->id, s->value,
				       s->description);
	return written_id(st, &rows, &s->id);
}

status_t db_scope_delete(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int64_t id)
{
	return db_call(db, a, caller, DB_STMT_SCOPE_DELETE, NULL, "ii", server_id, id);
}

/* A claim's row and document share their names; "values" (NULL or a list) is apart. */
static const struct db_field claim_fields[] = {
	DB_FIELD(struct claim, name, "name", DB_F_TEXT),
	DB_FIELD(struct claim, label, "label", DB_F_TEXT),
	DB_FIELD(struct claim, user_attribute_mappings, "user_attribute_mappings", DB_F_TEXT),
	DB_FIELD(struct claim, user_attribute_macros, "user_attribute_macros", DB_F_TEXT),
	DB_FIELD(struct claim, attributes_transformations, "attributes_transformations", DB_F_TEXT),
	DB_FIELD(struct claim, skip_if_blank, "skip_if_blank", DB_F_TRI),
	DB_FIELD(struct claim, default_values, "default_values", DB_F_TEXT),
	DB_FIELD(struct claim, provisioned_entitlements, "provisioned_entitlements", DB_F_TRI),
	DB_FIELD(struct claim, id, "id", DB_F_INT64),     /* the row's alone */
};
#define CLAIM_DOC_FIELDS (DB_NFIELDS(claim_fields) - 1)

status_t db_claim_list(struct db *db, arena_t *a, struct caller *caller, int64_t server_id,
		       struct claim **out, size_t *n)
{
	struct db_rows rows;
	struct claim proto;
	status_t st = children(db, a, caller, DB_STMT_CLAIM_LIST, server_id, "id", &rows, n);
	if (st != ST_OK)
		return st;
	claim_init(&proto);
	if (db_fields_read_all(a, &rows, 0, (int)*n, claim_fields, DB_NFIELDS(claim_fields), &proto, sizeof(proto),
			       (void **)out) != 0)
		return ST_INTERNAL;
	for (size_t k = 0; k < *n; k++) {
		struct claim *c = &(*out)[k];
		c->values_set = !db_is_null(&rows, (int)k, "values");
		if (c->values_set &&
		    db_json_strings(a, db_json(a, &rows, (int)k, "values"), &c->values.items, &c->values.n) != 0)
			return ST_INTERNAL;
	}
	return ST_OK;
}

static json_t *claim_doc(const struct claim *c)
{
	json_t *d = db_fields_doc(claim_fields, CLAIM_DOC_FIELDS, c);
	json_object_set_new(d, "values", c->values_set ? db_strings_array(c->values.items, c->values.n) : json_null());
	return d;
}

status_t db_claim_write(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int create,
			struct claim *c)
{
	struct db_rows rows;
	status_t st = create ? db_call(db, a, caller, DB_STMT_CLAIM_CREATE, &rows, "ij", server_id, claim_doc(c))
			     : db_call(db, a, caller, DB_STMT_CLAIM_UPDATE, &rows, "iij", server_id, c->id, claim_doc(c));
	return written_id(st, &rows, &c->id);
}

status_t db_claim_delete(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int64_t id)
{
	return db_call(db, a, caller, DB_STMT_CLAIM_DELETE, NULL, "ii", server_id, id);
}

status_t db_client_list(struct db *db, arena_t *a, struct caller *caller, int64_t server_id,
			struct client_app **out, size_t *n)
{
	struct db_rows rows;
	status_t st = children(db, a, caller, DB_STMT_CLIENT_LIST, server_id, "application_id", &rows, n);
	if (st != ST_OK)
		return st;
	*out = arena_alloc(a, (*n ? *n : 1) * sizeof(**out));
	for (size_t k = 0; k < *n; k++) {
		struct client_app *c = &(*out)[k];
		int i = (int)k;
		c->app_id = db_int(&rows, i, "application_id");
		c->name = db_text(&rows, i, "name");
		json_t *arr = db_json(a, &rows, i, "scopes");
		c->nscopes = json_array_size(arr);
		c->scopes = arena_alloc(a, (c->nscopes ? c->nscopes : 1) * sizeof(struct scope));
		for (size_t j = 0; j < c->nscopes; j++) {
			json_t *s = json_array_get(arr, j);
			c->scopes[j].id = json_integer_value(json_object_get(s, "id"));
			c->scopes[j].value = json_string_value(json_object_get(s, "value"));
			c->scopes[j].description = json_string_value(json_object_get(s, "description"));
		}
	}
	return ST_OK;
}

status_t db_client_set(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int64_t app_id,
		       const int64_t *scope_ids, size_t nscopes, int create, int64_t *bad_scope)
{
	json_t *ids = json_array();
	for (size_t i = 0; i < nscopes; i++)
		json_array_append_new(ids, json_integer(scope_ids[i]));
	status_t st = db_call(db, a, caller, DB_STMT_CLIENT_SET, NULL, "iijb", server_id, app_id, ids, create);
	if (st == ST_INVALID && db_error_detail(db) != NULL)
		*bad_scope = strtoll(db_error_detail(db), NULL, 10);
	return st;
}

status_t db_client_remove(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, int64_t app_id)
{
	return db_call(db, a, caller, DB_STMT_CLIENT_REMOVE, NULL, "ii", server_id, app_id);
}

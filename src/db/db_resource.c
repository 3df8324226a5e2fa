/* Scopes, claims and client links (src/db/sql/{scope,claim,client}_*.sql). The list
 * statements join the server to its children, so no row means no such server and a row
 * with a NULL child means a server without any. */
#include "db/db_resource.h"

#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"

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

status_t db_scope_list(struct db *db, arena_t *a, struct caller *caller, int64_t server_id,
		       struct scope **out, size_t *n)
{
	struct db_rows rows;
	status_t st = children(db, a, caller, DB_STMT_SCOPE_LIST, server_id, "id", &rows, n);
	if (st != ST_OK)
		return st;
	*out = arena_alloc(a, (*n ? *n : 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		(*out)[i].id = db_int(&rows, (int)i, "id");
		(*out)[i].value = db_text(&rows, (int)i, "value");
		(*out)[i].description = db_text(&rows, (int)i, "description");
	}
	return ST_OK;
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

static int tri(const struct db_rows *rows, int i, const char *col)
{
	return db_is_null(rows, i, col) ? -1 : db_bool(rows, i, col);
}

status_t db_claim_list(struct db *db, arena_t *a, struct caller *caller, int64_t server_id,
		       struct claim **out, size_t *n)
{
	struct db_rows rows;
	status_t st = children(db, a, caller, DB_STMT_CLAIM_LIST, server_id, "id", &rows, n);
	if (st != ST_OK)
		return st;
	*out = arena_alloc(a, (*n ? *n : 1) * sizeof(**out));
	for (size_t k = 0; k < *n; k++) {
		struct claim *c = &(*out)[k];
		int i = (int)k;
		claim_init(c);
		c->id = db_int(&rows, i, "id");
		c->name = db_text(&rows, i, "name");
		c->label = db_text(&rows, i, "label");
		c->user_attribute_mappings = db_text(&rows, i, "user_attribute_mappings");
		c->user_attribute_macros = db_text(&rows, i, "user_attribute_macros");
		c->attributes_transformations = db_text(&rows, i, "attributes_transformations");
		c->skip_if_blank = tri(&rows, i, "skip_if_blank");
		c->values_set = !db_is_null(&rows, i, "values");
		if (c->values_set &&
		    db_json_strings(a, db_json(a, &rows, i, "values"), &c->values.items, &c->values.n) != 0)
			return ST_INTERNAL;
		c->default_values = db_text(&rows, i, "default_values");
		c->provisioned_entitlements = tri(&rows, i, "provisioned_entitlements");
	}
	return ST_OK;
}

static json_t *tri_json(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *text_json(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *claim_doc(const struct claim *c)
{
	json_t *d = json_object();
	json_object_set_new(d, "name", text_json(c->name));
	json_object_set_new(d, "label", text_json(c->label));
	json_object_set_new(d, "user_attribute_mappings", text_json(c->user_attribute_mappings));
	json_object_set_new(d, "user_attribute_macros", text_json(c->user_attribute_macros));
	json_object_set_new(d, "attributes_transformations", text_json(c->attributes_transformations));
	json_object_set_new(d, "skip_if_blank", tri_json(c->skip_if_blank));
	json_object_set_new(d, "values", c->values_set ? db_strings_array(c->values.items, c->values.n) : json_null());
	json_object_set_new(d, "default_values", text_json(c->default_values));
	json_object_set_new(d, "provisioned_entitlements", tri_json(c->provisioned_entitlements));
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

/* OneLogin scopes, claims and client apps of an authorization server:
 * /api/2/api_authorizations/:id/{scopes,claims,clients}[/:child_id]. */
#include <string.h>

#include "core/jsonx.h"
#include "core/service.h"
#include "db/db_resource.h"
#include "dialect/onelogin.h"

/* A duplicate is a 422 naming the field, as OneLogin answers it. */
static status_t taken(struct request *r, status_t st, const char *field)
{
	if (st != ST_CONFLICT)
		return st;
	r->err.ndetails = 0;
	error_add(&r->err, field, RULE_TAKEN, 0);
	return error_set(&r->err, ST_INVALID, NULL, NULL);
}

static int64_t server_id(struct request *r)
{
	return onelogin_parse_id(r->params[0]);
}

static int64_t child_id(struct request *r)
{
	return onelogin_parse_id(r->params[1]);
}

/* ---- scopes ------------------------------------------------------------------------ */

static json_t *scope_json(const struct scope *s)
{
	return json_pack("{s:I,s:s,s:s}", "id", (json_int_t)s->id, "value", s->value, "description",
			 s->description);
}

status_t onelogin_scope_list(struct request *r)
{
	struct scope *list;
	size_t n;
	status_t st = db_scope_list(r->svc->db, r->arena, &r->caller, server_id(r), &list, &n);
	if (st != ST_OK)
		return st;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, scope_json(&list[i]));
	http_reply_json(r, 200, arr);
	return ST_OK;
}

static status_t scope_from_body(struct request *r, struct scope *s)
{
	json_t *body;
	status_t st;
	memset(s, 0, sizeof(*s));
	if ((st = onelogin_object_body(r, &body)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "value", 1, &s->value)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "description", 1, &s->description)) != ST_OK)
		return st;
	return scope_validate(s, &r->err);
}

/* POST and PUT answer alike: 200 {"id":N}. */
static status_t scope_write(struct request *r, int create)
{
	struct scope s;
	status_t st = scope_from_body(r, &s);
	if (st != ST_OK)
		return st;
	s.id = create ? 0 : child_id(r);
	st = db_scope_write(r->svc->db, r->arena, &r->caller, server_id(r), create, &s);
	return st != ST_OK ? taken(r, st, "value") : onelogin_reply_id(r, 200, s.id);
}

status_t onelogin_scope_create(struct request *r)
{
	return scope_write(r, 1);
}

status_t onelogin_scope_update(struct request *r)
{
	return scope_write(r, 0);
}

/* A child's DELETE: 204, empty. */
static status_t deleted(struct request *r, status_t st)
{
	if (st == ST_OK)
		http_reply_empty(r, 204);
	return st;
}

status_t onelogin_scope_delete(struct request *r)
{
	return deleted(r, db_scope_delete(r->svc->db, r->arena, &r->caller, server_id(r), child_id(r)));
}

/* ---- claims ------------------------------------------------------------------------ */

static json_t *tri_json(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *claim_json(const struct claim *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "label", jsonx_string_or_null(c->label));
	json_object_set_new(o, "user_attribute_mappings", jsonx_string_or_null(c->user_attribute_mappings));
	json_object_set_new(o, "user_attribute_macros", jsonx_string_or_null(c->user_attribute_macros));
	json_object_set_new(o, "attributes_transformations", jsonx_string_or_null(c->attributes_transformations));
	json_object_set_new(o, "skip_if_blank", tri_json(c->skip_if_blank));
	json_t *values = json_null();
	if (c->values_set) {
		values = json_array();
		for (size_t i = 0; i < c->values.n; i++)
			json_array_append_new(values, json_string(c->values.items[i]));
	}
	json_object_set_new(o, "values", values);
	json_object_set_new(o, "default_values", jsonx_string_or_null(c->default_values));
	json_object_set_new(o, "provisioned_entitlements", tri_json(c->provisioned_entitlements));
	return o;
}

status_t onelogin_claim_list(struct request *r)
{
	struct claim *list;
	size_t n;
	status_t st = db_claim_list(r->svc->db, r->arena, &r->caller, server_id(r), &list, &n);
	if (st != ST_OK)
		return st;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, claim_json(&list[i]));
	http_reply_json(r, 200, arr);
	return ST_OK;
}

static status_t claim_from_body(struct request *r, struct claim *c)
{
	json_t *body;
	status_t st;
	claim_init(c);
	if ((st = onelogin_object_body(r, &body)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "name", 1, &c->name)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "label", 0, &c->label)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "user_attribute_mappings", 0, &c->user_attribute_mappings)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "user_attribute_macros", 0, &c->user_attribute_macros)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "attributes_transformations", 0, &c->attributes_transformations)) != ST_OK ||
	    (st = onelogin_field_bool(r, body, "skip_if_blank", &c->skip_if_blank)) != ST_OK ||
	    (st = onelogin_field_strings(r, body, "values", &c->values)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "default_values", 0, &c->default_values)) != ST_OK ||
	    (st = onelogin_field_bool(r, body, "provisioned_entitlements", &c->provisioned_entitlements)) != ST_OK)
		return st;
	json_t *values = json_object_get(body, "values");
	c->values_set = values != NULL && !json_is_null(values);
	return claim_validate(c, &r->err);
}

static status_t claim_write(struct request *r, int create)
{
	struct claim c;
	status_t st = claim_from_body(r, &c);
	if (st != ST_OK)
		return st;
	c.id = create ? 0 : child_id(r);
	st = db_claim_write(r->svc->db, r->arena, &r->caller, server_id(r), create, &c);
	return st != ST_OK ? taken(r, st, "name") : onelogin_reply_id(r, 200, c.id);
}

status_t onelogin_claim_create(struct request *r)
{
	return claim_write(r, 1);
}

status_t onelogin_claim_update(struct request *r)
{
	return claim_write(r, 0);
}

status_t onelogin_claim_delete(struct request *r)
{
	return deleted(r, db_claim_delete(r->svc->db, r->arena, &r->caller, server_id(r), child_id(r)));
}

/* ---- client apps ------------------------------------------------------------------- */

status_t onelogin_client_list(struct request *r)
{
	struct client_app *list;
	size_t n;
	int64_t sid = server_id(r);
	status_t st = db_client_list(r->svc->db, r->arena, &r->caller, sid, &list, &n);
	if (st != ST_OK)
		return st;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *scopes = json_array();
		for (size_t j = 0; j < list[i].nscopes; j++)
			json_array_append_new(scopes, scope_json(&list[i].scopes[j]));
		json_array_append_new(arr, json_pack("{s:I,s:I,s:s,s:o}", "app_id", (json_int_t)list[i].app_id,
						     "api_auth_id", (json_int_t)sid, "name", list[i].name,
						     "scopes", scopes));
	}
	http_reply_json(r, 200, arr);
	return ST_OK;
}

static status_t client_set(struct request *r, int64_t app_id, json_t *body, int create)
{
	int64_t *ids, bad = 0;
	size_t n;
	int64_t sid = server_id(r);
	status_t st = onelogin_field_ids(r, body, "scopes", 0, &ids, &n);
	if (st != ST_OK)
		return st;
	st = db_client_set(r->svc->db, r->arena, &r->caller, sid, app_id, ids, n, create, &bad);
	if (st == ST_INVALID) {
		error_add_message(&r->err, "scopes", arena_sprintf(r->arena, "%lld does not belong to the specified "
							   "ApiAuthorizationApp", (long long)bad));
		return st;
	}
	if (st == ST_CONFLICT)
		return taken(r, st, "app");
	if (st != ST_OK)
		return st;
	http_reply_json(r, create ? 201 : 200, json_pack("{s:I,s:I}", "app_id", (json_int_t)app_id,
							 "api_auth_id", (json_int_t)sid));
	return ST_OK;
}

status_t onelogin_client_create(struct request *r)
{
	json_t *body;
	status_t st = onelogin_object_body(r, &body);
	if (st != ST_OK)
		return st;
	json_t *app = json_object_get(body, "app_id");
	if (app == NULL)
		return error_set(&r->err, ST_BAD_REQUEST, "app_id", "Missing required field");
	if (!json_is_integer(app) || json_integer_value(app) < 1)
		return error_set(&r->err, ST_BAD_REQUEST, "app_id", "Must be an integer");
	return client_set(r, json_integer_value(app), body, 1);
}

status_t onelogin_client_update(struct request *r)
{
	json_t *body;
	status_t st = onelogin_object_body(r, &body);
	if (st != ST_OK)
		return st;
	if (json_object_get(body, "scopes") == NULL)
		return error_set(&r->err, ST_BAD_REQUEST, "scopes", "Missing required field");
	return client_set(r, child_id(r), body, 0);
}

status_t onelogin_client_delete(struct request *r)
{
	return deleted(r, db_client_remove(r->svc->db, r->arena, &r->caller, server_id(r), child_id(r)));
}

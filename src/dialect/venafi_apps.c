/* /vedsdk/oauth application operations. Logical outcomes are HTTP 200 with a Result code;
 * only transport-level problems (body, token, scope) are HTTP errors. */
#include <string.h>
#include <strings.h>

#include "core/jsonx.h"
#include "core/service.h"
#include "core/timefmt.h"
#include "db/db_application.h"
#include "dialect/venafi_ops.h"
#include "dialect/venafi_scope.h"

#define ENUMERATE_MAX 1000

/* Reads body fields, keeping the first problem as the Result 6 message. */
struct reader {
	struct request *r;
	json_t *obj;
	const char *error;
};

static const char *rd_string(struct reader *rd, const char *key, int required)
{
	json_t *v = json_object_get(rd->obj, key);
	if (v == NULL || json_is_null(v)) {
		if (required && rd->error == NULL)
			rd->error = arena_sprintf(rd->r->arena, "%s is required", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		if (rd->error == NULL)
			rd->error = arena_sprintf(rd->r->arena, "%s must be a string", key);
		return NULL;
	}
	if (required && json_string_length(v) == 0 && rd->error == NULL)
		rd->error = arena_sprintf(rd->r->arena, "%s is required", key);
	return json_string_value(v);
}

static int rd_int(struct reader *rd, const char *key, int required, int min, int max, int dflt)
{
	json_t *v = json_object_get(rd->obj, key);
	if (v == NULL || json_is_null(v)) {
		if (required && rd->error == NULL)
			rd->error = arena_sprintf(rd->r->arena, "%s is required", key);
		return dflt;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		if (rd->error == NULL)
			rd->error = arena_sprintf(rd->r->arena, "%s must be an integer from %d to %d", key, min, max);
		return dflt;
	}
	return (int)json_integer_value(v);
}

static int rd_bool(struct reader *rd, const char *key, int dflt)
{
	json_t *v = json_object_get(rd->obj, key);
	if (v == NULL || json_is_null(v))
		return dflt;
	if (!json_is_boolean(v)) {
		if (rd->error == NULL)
			rd->error = arena_sprintf(rd->r->arena, "%s must be true or false", key);
		return dflt;
	}
	return json_is_true(v);
}

static status_t invalid(struct request *r, const char *message)
{
	venafi_reply_result(r, NULL, VR_INVALID_PARAMETERS, message);
	return ST_OK;
}

static status_t not_found(struct request *r, const char *id)
{
	venafi_reply_result(r, NULL, VR_APPLICATION_NOT_FOUND,
			    arena_sprintf(r->arena, "Application '%s' was not found", id ? id : ""));
	return ST_OK;
}

static json_t *app_json(const struct application *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "AccessValidity", json_integer(a->access_validity_seconds));
	json_object_set_new(o, "Description", jsonx_string_or_null(a->description));
	json_object_set_new(o, "GrantCount", json_integer(a->grant_count));
	json_object_set_new(o, "GrantValidity", json_integer(a->grant_validity_seconds));
	json_object_set_new(o, "ID", json_string(a->client_id));
	json_object_set_new(o, "MaximumScope", jsonx_string_or_null(a->maximum_scope));
	json_object_set_new(o, "Name", json_string(a->name));
	json_object_set_new(o, "Renewable", json_boolean(a->renewable));
	json_object_set_new(o, "Scope", jsonx_string_or_null(a->scope));
	json_object_set_new(o, "Url", jsonx_string_or_null(a->url));
	json_object_set_new(o, "Vendor", jsonx_string_or_null(a->vendor));
	return o;
}

/* A model rule in Venafi's words, for Result 6: "Name is required". */
static const char *rule_message(arena_t *a, const char *id_name, const struct error_detail *d)
{
	static const struct {
		const char *field, *name;
	} names[] = {
		{ "name", "Name" }, { "description", "Description" }, { "vendor", "Vendor" }, { "url", "Url" },
		{ "scope", "Scope" }, { "maximum_scope", "MaximumScope" },
	};
	const char *f = strcmp(d->field, "client_id") == 0 ? id_name : d->field;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].field, d->field) == 0)
			f = names[i].name;
	switch (d->rule) {
	case RULE_REQUIRED: return arena_sprintf(a, "%s is required", f);
	case RULE_TOO_LONG: return arena_sprintf(a, "%s must be at most %ld characters long", f, d->limit);
	case RULE_NOT_URI: return arena_sprintf(a, "%s is not a valid URI", f);
	default: return arena_sprintf(a, "%s is invalid", f);
	}
}

enum venafi_result venafi_app_from_json(struct request *r, json_t *obj, const char *id_key,
					struct application *a, const char **error)
{
	struct reader rd = { r, obj, NULL };
	application_init(a);
	a->client_id = rd_string(&rd, id_key, 1);
	a->name = rd_string(&rd, "Name", 0);
	const char *scope = rd_string(&rd, "Scope", 1);
	const char *max = rd_string(&rd, "MaximumScope", 0);
	if (max == NULL)
		max = rd_string(&rd, "MaxScope", 0);      /* the seed's spelling */
	a->vendor = rd_string(&rd, "Vendor", 0);
	a->description = rd_string(&rd, "Description", 0);
	a->url = rd_string(&rd, "Url", 0);
	a->access_validity_seconds = rd_int(&rd, "AccessValidity", 0, 1, 31536000, 3600);
	a->grant_validity_seconds = rd_int(&rd, "GrantValidity", 0, 1, 315360000, 7776000);
	a->renewable = rd_bool(&rd, "Renewable", 0);
	if ((*error = rd.error) != NULL)
		return VR_INVALID_PARAMETERS;
	struct app_error e;
	error_clear(&e);
	if (application_validate(a, &e) != ST_OK) {
		*error = rule_message(r->arena, "ApplicationId", &e.details[0]);
		return VR_INVALID_PARAMETERS;
	}
	/* Scope and MaximumScope need not nest: the seed's certificate/admin is fine. */
	struct vscope s, m;
	if (vscope_parse(r->arena, scope, &s, error) != 0 ||
	    (max != NULL && vscope_parse(r->arena, max, &m, error) != 0))
		return VR_INVALID_SCOPE;
	a->scope = vscope_format(r->arena, &s);
	a->maximum_scope = max != NULL ? vscope_format(r->arena, &m) : a->scope;
	return VR_SUCCESS;
}

/* The record, or the Result 6/17 reply (and -1). */
static int read_app(struct request *r, json_t *obj, const char *id_key, struct application *a)
{
	const char *error = NULL;
	enum venafi_result res = venafi_app_from_json(r, obj, id_key, a, &error);
	if (res == VR_SUCCESS)
		return 0;
	venafi_reply_result(r, NULL, res, error);
	return -1;
}

static status_t reply_apps(struct request *r, const char *key, struct application *list, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, app_json(&list[i]));
	json_t *body = json_object();
	json_object_set_new(body, key, arr);
	venafi_reply_result(r, body, VR_SUCCESS, NULL);
	return ST_OK;
}

/* Reads one application back by id and answers {"Application":{...}}. */
static status_t reply_one(struct request *r, const char *id)
{
	struct application *list;
	size_t n;
	status_t st = db_application_find(r->svc->db, r->arena, &r->caller, &id, 1, &list, &n);
	if (st != ST_OK)
		return st;
	if (n == 0)
		return not_found(r, id);
	json_t *body = json_object();
	json_object_set_new(body, "Application", app_json(&list[0]));
	venafi_reply_result(r, body, VR_SUCCESS, NULL);
	return ST_OK;
}

status_t venafi_op_create_application(struct request *r, json_t *body)
{
	struct application a;
	if (read_app(r, body, "ApplicationId", &a) != 0)
		return ST_OK;
	status_t st = db_application_insert(r->svc->db, r->arena, &r->caller, &a, NULL);
	if (st == ST_CONFLICT) {
		venafi_reply_result(r, NULL, VR_FAILURE, arena_sprintf(r->arena,
			"An application with ApplicationId '%s' already exists", a.client_id));
		return ST_OK;
	}
	if (st != ST_OK)
		return st;
	return reply_one(r, a.client_id);
}

status_t venafi_op_get_application(struct request *r, json_t *body)
{
	struct reader rd = { r, body, NULL };
	const char *id = rd_string(&rd, "ApplicationId", 1);
	if (rd.error != NULL)
		return invalid(r, rd.error);
	return reply_one(r, id);
}

status_t venafi_op_get_applications(struct request *r, json_t *body)
{
	json_t *ids = json_object_get(body, "ApplicationIds");
	if (!json_is_array(ids))
		return invalid(r, "ApplicationIds must be an array of strings");
	for (size_t i = 0; i < json_array_size(ids); i++)
		if (!json_is_string(json_array_get(ids, i)))
			return invalid(r, "ApplicationIds must be an array of strings");
	size_t nids = json_array_size(ids);
	const char **want = arena_alloc(r->arena, (nids ? nids : 1) * sizeof(char *));
	for (size_t i = 0; i < nids; i++)
		want[i] = json_string_value(json_array_get(ids, i));
	struct application *list;
	size_t n;
	status_t st = db_application_find(r->svc->db, r->arena, &r->caller, want, nids, &list, &n);
	if (st != ST_OK)
		return st;
	return reply_apps(r, "Applications", list, n);
}

status_t venafi_op_enumerate_applications(struct request *r, json_t *body)
{
	struct reader rd = { r, body, NULL };
	int start = rd_int(&rd, "Start", 1, 0, 1000000000, 0);
	int count = rd_int(&rd, "Count", 1, 1, ENUMERATE_MAX, 0);
	int order = rd_int(&rd, "OrderBy", 0, 0, 3, 0);
	int desc = rd_bool(&rd, "Descending", 0);
	if (rd.error != NULL)
		return invalid(r, rd.error);
	struct application *list;
	size_t n;
	status_t st = db_application_enumerate(r->svc->db, r->arena, &r->caller, start, count, order, desc, &list, &n);
	if (st != ST_OK)
		return st;
	return reply_apps(r, "Applications", list, n);
}

/* A call on one application: its Result (2 when the tenant has no such application), or
 * the HTTP-level failure. body NULL answers {} on success. */
static status_t on_app(struct request *r, status_t st, const char *id, json_t *body)
{
	if (st == ST_NOT_FOUND) {
		json_decref(body);
		return not_found(r, id);
	}
	if (st != ST_OK) {
		json_decref(body);
		return st;
	}
	venafi_reply_result(r, body, VR_SUCCESS, NULL);
	return ST_OK;
}

status_t venafi_op_update_application(struct request *r, json_t *body)
{
	json_t *app = json_object_get(body, "Application");
	if (!json_is_object(app))
		return invalid(r, "Application must be an object");
	struct application a;
	if (read_app(r, app, "ID", &a) != 0)
		return ST_OK;
	const char *id = a.client_id;
	return on_app(r, db_application_update(r->svc->db, r->arena, &r->caller, 0, &a, APPLICATION_ALL_FIELDS), id, NULL);
}

status_t venafi_op_delete_application(struct request *r, json_t *body)
{
	struct reader rd = { r, body, NULL };
	const char *id = rd_string(&rd, "ApplicationId", 1);
	if (rd.error != NULL)
		return invalid(r, rd.error);
	return on_app(r, db_application_delete(r->svc->db, r->arena, &r->caller, 0, id), id, NULL);
}

status_t venafi_op_grant_count(struct request *r, json_t *body)
{
	struct reader rd = { r, body, NULL };
	const char *id = rd_string(&rd, "ApplicationId", 1);
	if (rd.error != NULL)
		return invalid(r, rd.error);
	struct grant *list;
	size_t n;
	long total = 0;
	status_t st = db_application_grants(r->svc->db, r->arena, &r->caller, id, 0, 0, &list, &n, &total);
	return on_app(r, st, id, st == ST_OK ? json_pack("{s:i}", "Count", (int)total) : NULL);
}

status_t venafi_op_get_scopes(struct request *r, json_t *body)
{
	(void)body;
	json_t *arr = json_array();
	for (int i = 0; vscope_table_name(i) != NULL; i++) {
		json_t *restrictions = json_array();
		for (const char *const *p = vscope_table_restrictions(i); *p != NULL; p++)
			json_array_append_new(restrictions, json_string(*p));
		json_array_append_new(arr, json_pack("{s:s,s:o}", "Scope", vscope_table_name(i),
						     "RestrictionList", restrictions));
	}
	venafi_reply_result(r, json_pack("{s:o}", "Scopes", arr), VR_SUCCESS, NULL);
	return ST_OK;
}

status_t venafi_op_enumerate_grants(struct request *r, json_t *body)
{
	struct reader rd = { r, body, NULL };
	const char *id = rd_string(&rd, "ApplicationId", 1);
	int start = rd_int(&rd, "Start", 0, 0, 1000000000, 0);
	int count = rd_int(&rd, "Count", 0, 1, ENUMERATE_MAX, ENUMERATE_MAX);
	if (rd.error != NULL)
		return invalid(r, rd.error);
	struct grant *list;
	size_t n;
	long total;
	status_t st = db_application_grants(r->svc->db, r->arena, &r->caller, id, start, count, &list, &n, &total);
	if (st != ST_OK)
		return on_app(r, st, id, NULL);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}",
			"AccessIssuedOn", timefmt_iso8601(r->arena, list[i].access_issued_us, TIMEFMT_SECONDS),
			"Application", list[i].application,
			"Expires", timefmt_iso8601(r->arena, list[i].expires_us, TIMEFMT_SECONDS),
			"GrantIssuedOn", timefmt_iso8601(r->arena, list[i].grant_issued_us, TIMEFMT_SECONDS),
			"GranteePrefixedUniversal", list[i].grantee, "Scope", list[i].scope));
	venafi_reply_result(r, json_pack("{s:o}", "Grants", arr), VR_SUCCESS, NULL);
	return ST_OK;
}

status_t venafi_op_revoke_grants(struct request *r, json_t *body)
{
	struct reader rd = { r, body, NULL };
	const char *id = rd_string(&rd, "ApplicationId", 1);
	if (rd.error != NULL)
		return invalid(r, rd.error);
	long revoked = 0;
	return on_app(r, db_application_revoke_grants(r->svc->db, r->arena, &r->caller, id, &revoked), id, NULL);
}

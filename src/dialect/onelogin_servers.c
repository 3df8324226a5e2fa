/* OneLogin /api/2/api_authorizations: JSON <-> model mapping and the five handlers.
 * Each handler is: parse, validate, one db call, reply. */
#include <limits.h>
#include <string.h>

#include "db/db_server.h"
#include "dialect/onelogin.h"
#include "jsonx.h"
#include "service.h"

#define ONELOGIN_LIST_MAX 1000

static status_t bad_field(struct request *r, const char *field, const char *message)
{
	return error_set(&r->err, ST_BAD_REQUEST, field, message);
}

/* Optional string: absent or null leaves *out as is. */
static status_t get_string(struct request *r, json_t *obj, const char *key, const char **out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL || json_is_null(v))
		return ST_OK;
	if (!json_is_string(v))
		return bad_field(r, key, "Must be a string");
	*out = json_string_value(v);
	return ST_OK;
}

/* Optional integer: absent or null leaves *out as is; out-of-range values are clamped so
 * validation reports them as too large or too small rather than wrapping. */
static status_t get_int(struct request *r, json_t *obj, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL || json_is_null(v))
		return ST_OK;
	if (!json_is_integer(v))
		return bad_field(r, key, "Must be an integer");
	json_int_t i = json_integer_value(v);
	*out = i > INT_MAX ? INT_MAX : i < INT_MIN ? INT_MIN : (int)i;
	return ST_OK;
}

static status_t get_string_array(struct request *r, json_t *obj, const char *key,
				 const char ***out, size_t *n)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL || json_is_null(v))
		return ST_OK;
	if (!json_is_array(v))
		return bad_field(r, key, "Must be an array of strings");
	size_t len = json_array_size(v);
	const char **arr = arena_alloc(r->arena, (len ? len : 1) * sizeof(char *));
	for (size_t i = 0; i < len; i++) {
		json_t *item = json_array_get(v, i);
		if (!json_is_string(item))
			return bad_field(r, key, "Must be an array of strings");
		arr[i] = json_string_value(item);
	}
	*out = arr;
	*n = len;
	return ST_OK;
}

status_t onelogin_server_from_json(struct request *r, json_t *body, struct server *s)
{
	status_t st;
	if (!json_is_object(body))
		return bad_field(r, NULL, "Request body must be a JSON object");

	json_t *name = json_object_get(body, "name");
	if (name == NULL)
		return bad_field(r, "name", "Missing required field");
	if (!json_is_string(name))
		return bad_field(r, "name", "Must be a string");
	s->name = json_string_value(name);

	if ((st = get_string(r, body, "description", &s->description)) != ST_OK)
		return st;

	json_t *conf = json_object_get(body, "configuration");
	if (conf == NULL)
		return bad_field(r, "configuration", "Missing required field");
	if (!json_is_object(conf))
		return bad_field(r, "configuration", "Must be an object");
	if ((st = get_string(r, conf, "resource_identifier", &s->resource_identifier)) != ST_OK ||
	    (st = get_string_array(r, conf, "audiences", &s->audiences, &s->naudiences)) != ST_OK ||
	    (st = get_int(r, conf, "access_token_expiration_minutes", &s->access_ttl_minutes)) != ST_OK ||
	    (st = get_int(r, conf, "refresh_token_expiration_minutes", &s->refresh_ttl_minutes)) != ST_OK)
		return st;
	return ST_OK;
}

json_t *onelogin_server_to_json(const struct server *s, int detail)
{
	json_t *aud = json_array();
	for (size_t i = 0; i < s->naudiences; i++)
		json_array_append_new(aud, json_string(s->audiences[i]));
	json_t *conf = json_object();
	json_object_set_new(conf, "resource_identifier", jsonx_string_or_null(s->resource_identifier));
	json_object_set_new(conf, "audiences", aud);
	if (detail) {
		json_object_set_new(conf, "access_token_expiration_minutes",
				    json_integer(s->access_ttl_minutes));
		json_object_set_new(conf, "refresh_token_expiration_minutes",
				    json_integer(s->refresh_ttl_minutes));
	}
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "description", jsonx_string_or_null(s->description));
	json_object_set_new(o, "configuration", conf);
	return o;
}

static status_t parse_and_validate(struct request *r, struct server *s)
{
	json_t *body;
	status_t st = http_body_json(r, &body);
	if (st != ST_OK)
		return st;
	server_init(s);
	if ((st = onelogin_server_from_json(r, body, s)) != ST_OK)
		return st;
	return server_validate(s, &r->err);
}

static status_t reply_id(struct request *r, int code, int64_t id)
{
	http_reply_json(r, code, json_pack("{s:I}", "id", (json_int_t)id));
	return ST_OK;
}

status_t onelogin_server_create(struct request *r)
{
	struct server s;
	int64_t id = 0;
	status_t st = parse_and_validate(r, &s);
	if (st != ST_OK)
		return st;
	st = db_server_insert(r->svc->db, r->arena, &r->auth, &s, NULL, &id);
	if (st != ST_OK)
		return st;
	return reply_id(r, 201, id);
}

status_t onelogin_server_update(struct request *r)
{
	struct server s;
	/* An id that cannot exist (0) still goes to the database: the token is checked
	 * first, so a bad token answers 401 whatever the id. */
	int64_t id = onelogin_parse_id(r->params[0]);
	status_t st = parse_and_validate(r, &s);
	if (st != ST_OK)
		return st;
	s.id = id;
	st = db_server_update(r->svc->db, r->arena, &r->auth, &s);
	if (st != ST_OK)
		return st;
	return reply_id(r, 200, id);
}

status_t onelogin_server_get(struct request *r)
{
	struct server s;
	/* An id that cannot exist (0) still goes to the database: the token is checked
	 * first, so a bad token answers 401 whatever the id. */
	int64_t id = onelogin_parse_id(r->params[0]);
	status_t st = db_server_get(r->svc->db, r->arena, &r->auth, id, &s);
	if (st != ST_OK)
		return st;
	http_reply_json(r, 200, onelogin_server_to_json(&s, 1));
	return ST_OK;
}

status_t onelogin_server_list(struct request *r)
{
	struct server *list;
	size_t n;
	const char *name = http_query_get(r, "name");
	if (name != NULL && name[0] == '\0')
		name = NULL;
	status_t st = db_server_list(r->svc->db, r->arena, &r->auth, name, ONELOGIN_LIST_MAX,
				     &list, &n);
	if (st != ST_OK)
		return st;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, onelogin_server_to_json(&list[i], 0));
	http_reply_json(r, 200, arr);
	return ST_OK;
}

status_t onelogin_server_delete(struct request *r)
{
	/* An id that cannot exist (0) still goes to the database: the token is checked
	 * first, so a bad token answers 401 whatever the id. */
	int64_t id = onelogin_parse_id(r->params[0]);
	status_t st = db_server_delete(r->svc->db, r->arena, &r->auth, id);
	if (st != ST_OK)
		return st;
	http_reply_empty(r, 204);
	return ST_OK;
}

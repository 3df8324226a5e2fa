/* OneLogin /api/2/api_authorizations: JSON <-> model mapping and the five handlers.
 * Each handler is: parse, validate, one db call, reply. */
#include <string.h>

#include "core/jsonx.h"
#include "core/service.h"
#include "db/db_server.h"
#include "dialect/onelogin.h"

#define ONELOGIN_LIST_MAX 1000

status_t onelogin_server_from_json(struct request *r, json_t *body, struct server *s)
{
	status_t st;
	if (!json_is_object(body))
		return error_set(&r->err, ST_BAD_REQUEST, NULL, "Request body must be a JSON object");

	if ((st = onelogin_field_string(r, body, "name", 1, &s->name)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "description", 0, &s->description)) != ST_OK)
		return st;

	json_t *conf = json_object_get(body, "configuration");
	if (conf == NULL)
		return error_set(&r->err, ST_BAD_REQUEST, "configuration", "Missing required field");
	if (!json_is_object(conf))
		return error_set(&r->err, ST_BAD_REQUEST, "configuration", "Must be an object");
	struct strlist aud = { NULL, 0 };
	if ((st = onelogin_field_string(r, conf, "resource_identifier", 0, &s->resource_identifier)) != ST_OK ||
	    (st = onelogin_field_strings(r, conf, "audiences", &aud)) != ST_OK ||
	    (st = onelogin_field_int(r, conf, "access_token_expiration_minutes", &s->access_ttl_minutes)) != ST_OK ||
	    (st = onelogin_field_int(r, conf, "refresh_token_expiration_minutes", &s->refresh_ttl_minutes)) != ST_OK)
		return st;
	s->audiences = aud.items;
	s->naudiences = aud.n;
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
	return server_validate(s, SERVER_API, &r->err);
}

/* POST creates (201) and PUT replaces (200); both answer {"id":N}. An id that cannot exist
 * (0) still goes to the database: the token is checked first, so a bad token answers 401
 * whatever the id. */
static status_t server_write(struct request *r, int create)
{
	struct server s;
	status_t st = parse_and_validate(r, &s);
	if (st != ST_OK)
		return st;
	if (create) {
		/* OneLogin API authorization servers issue client-credentials tokens */
		static const char *grants[] = { "client_credentials" };
		s.grant_types.items = grants;
		s.grant_types.n = 1;
		st = db_server_insert(r->svc->db, r->arena, &r->caller, &s, &s.id);
	} else {
		s.id = onelogin_parse_id(r->params[0]);
		st = db_server_update(r->svc->db, r->arena, &r->caller, &s);
	}
	return st != ST_OK ? st : onelogin_reply_id(r, create ? 201 : 200, s.id);
}

status_t onelogin_server_create(struct request *r)
{
	return server_write(r, 1);
}

status_t onelogin_server_update(struct request *r)
{
	return server_write(r, 0);
}

status_t onelogin_server_get(struct request *r)
{
	struct server s;
	/* An id that cannot exist (0) still goes to the database: the token is checked
	 * first, so a bad token answers 401 whatever the id. */
	int64_t id = onelogin_parse_id(r->params[0]);
	status_t st = db_server_get(r->svc->db, r->arena, &r->caller, id, &s);
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
	status_t st = db_server_list(r->svc->db, r->arena, &r->caller, name, ONELOGIN_LIST_MAX,
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
	status_t st = db_server_delete(r->svc->db, r->arena, &r->caller, id);
	if (st != ST_OK)
		return st;
	http_reply_empty(r, 204);
	return ST_OK;
}

/* OneLogin /api/2/apps, reduced to what an OAuth client application needs: a name, a
 * generated client id, and a secret shown once at creation. */
#include <string.h>

#include "auth/crypto.h"
#include "db/db_application.h"
#include "dialect/onelogin.h"
#include "jsonx.h"
#include "service.h"

static json_t *app_json(const struct application *a, const char *secret)
{
	json_t *sso = json_pack("{s:s}", "client_id", a->client_id);
	if (secret != NULL)
		json_object_set_new(sso, "client_secret", json_string(secret));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "connector_id", json_null());
	json_object_set_new(o, "name", json_string(a->name));
	json_object_set_new(o, "description", jsonx_string_or_null(a->description));
	json_object_set_new(o, "created_at", json_string(a->created_at));
	json_object_set_new(o, "updated_at", json_string(a->updated_at));
	json_object_set_new(o, "sso", sso);
	return o;
}

static status_t app_from_body(struct request *r, struct application *a)
{
	json_t *body;
	status_t st;
	if ((st = onelogin_object_body(r, &body)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "name", 1, &a->name)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "description", 0, &a->description)) != ST_OK)
		return st;
	return application_validate(a, &r->err);
}

status_t onelogin_app_create(struct request *r)
{
	struct application a;
	application_init(&a);
	status_t st = app_from_body(r, &a);
	if (st != ST_OK)
		return st;
	a.client_id = crypto_random_hex(r->arena, 16);
	const char *secret = crypto_random_hex(r->arena, 32);
	st = db_application_insert(r->svc->db, r->arena, &r->auth, &a, crypto_sha256_bytea(r->arena, secret));
	if (st != ST_OK)
		return st;
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 201, app_json(&a, secret));
	return ST_OK;
}

status_t onelogin_app_list(struct request *r)
{
	struct application *list;
	size_t n;
	status_t st = db_application_list(r->svc->db, r->arena, &r->auth, &list, &n);
	if (st != ST_OK)
		return st;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, app_json(&list[i], NULL));
	http_reply_json(r, 200, arr);
	return ST_OK;
}

status_t onelogin_app_get(struct request *r)
{
	struct application a;
	status_t st = db_application_get(r->svc->db, r->arena, &r->auth, onelogin_parse_id(r->params[0]), &a);
	if (st != ST_OK)
		return st;
	http_reply_json(r, 200, app_json(&a, NULL));
	return ST_OK;
}

status_t onelogin_app_update(struct request *r)
{
	struct application a;
	application_init(&a);
	a.id = onelogin_parse_id(r->params[0]);
	status_t st = app_from_body(r, &a);
	if (st != ST_OK)
		return st;
	if ((st = db_application_rename(r->svc->db, r->arena, &r->auth, &a)) != ST_OK)
		return st;
	http_reply_json(r, 200, app_json(&a, NULL));
	return ST_OK;
}

status_t onelogin_app_delete(struct request *r)
{
	status_t st = db_application_delete(r->svc->db, r->arena, &r->auth, onelogin_parse_id(r->params[0]));
	if (st != ST_OK)
		return st;
	http_reply_empty(r, 204);
	return ST_OK;
}

/* OneLogin /api/2/apps, reduced to what an OAuth client application needs: a name, a
 * generated client id, and a secret shown once at creation. */
#include <string.h>

#include "core/crypto.h"
#include "core/jsonx.h"
#include "core/service.h"
#include "core/timefmt.h"
#include "db/db_application.h"
#include "dialect/onelogin.h"

static json_t *app_json(arena_t *arena, const struct application *a, const char *secret)
{
	json_t *sso = json_pack("{s:s}", "client_id", a->client_id);
	if (secret != NULL)
		json_object_set_new(sso, "client_secret", json_string(secret));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "connector_id", json_null());
	json_object_set_new(o, "name", json_string(a->name));
	json_object_set_new(o, "description", jsonx_string_or_null(a->description));
	json_object_set_new(o, "created_at", json_string(timefmt_iso8601(arena, a->created_us, TIMEFMT_MILLIS)));
	json_object_set_new(o, "updated_at", json_string(timefmt_iso8601(arena, a->updated_us, TIMEFMT_MILLIS)));
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
	unsigned char hash[CRYPTO_SHA256_LEN];
	crypto_sha256_str(secret, hash);
	st = db_application_insert(r->svc->db, r->arena, &r->caller, &a, hash);
	if (st != ST_OK)
		return st;
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 201, app_json(r->arena, &a, secret));
	return ST_OK;
}

status_t onelogin_app_list(struct request *r)
{
	struct application *list;
	size_t n;
	status_t st = db_application_list(r->svc->db, r->arena, &r->caller, &list, &n);
	if (st != ST_OK)
		return st;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, app_json(r->arena, &list[i], NULL));
	http_reply_json(r, 200, arr);
	return ST_OK;
}

status_t onelogin_app_get(struct request *r)
{
	struct application a;
	status_t st = db_application_get(r->svc->db, r->arena, &r->caller, onelogin_parse_id(r->params[0]), &a);
	if (st != ST_OK)
		return st;
	http_reply_json(r, 200, app_json(r->arena, &a, NULL));
	return ST_OK;
}

status_t onelogin_app_update(struct request *r)
{
	struct application a;
	application_init(&a);
	int64_t id = onelogin_parse_id(r->params[0]);
	status_t st = app_from_body(r, &a);
	if (st != ST_OK)
		return st;
	/* OneLogin's shape carries only name and description: the rest of the row stays */
	if ((st = db_application_update(r->svc->db, r->arena, &r->caller, id, &a, APPLICATION_NAME_ONLY)) != ST_OK)
		return st;
	http_reply_json(r, 200, app_json(r->arena, &a, NULL));
	return ST_OK;
}

status_t onelogin_app_delete(struct request *r)
{
	status_t st = db_application_delete(r->svc->db, r->arena, &r->caller, onelogin_parse_id(r->params[0]), NULL);
	if (st != ST_OK)
		return st;
	http_reply_empty(r, 204);
	return ST_OK;
}

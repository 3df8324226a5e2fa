/* The authzd-native management API (/api/authzd/v1): parse, one db call, reply. Times are
 * ISO 8601 with milliseconds like OneLogin's; secrets are shown once, when they are made. */
#include "dialect/native.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/crypto.h"
#include "core/jsonx.h"
#include "core/service.h"
#include "core/timefmt.h"
#include "db/db_native.h"
#include "dialect/oauth.h"
#include "dialect/onelogin.h"

#define NATIVE_AUDIT_DEFAULT 50
#define NATIVE_AUDIT_MAX 200

static json_t *time_or_null(arena_t *a, int64_t us)
{
	return us == 0 ? json_null() : json_string(timefmt_iso8601(a, us, TIMEFMT_MILLIS));
}

status_t native_me(struct request *r)
{
	struct db_me me;
	status_t st = db_native_me(r->svc->db, r->arena, &r->caller, &me);
	if (st != ST_OK)
		return st;
	int manage = 0;
	size_t i;
	json_t *v;
	json_array_foreach(me.scopes, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), "Manage All") == 0)
			manage = 1;
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, json_pack("{s:s,s:s,s:O,s:b}", "client_id", me.client_id, "tenant", me.tenant,
					  "scopes", me.scopes, "can_manage", manage));
	return ST_OK;
}

/* A filter parameter: absent or empty matches everything. */
static const char *filter(struct request *r, const char *name)
{
	const char *v = http_query_get(r, name);
	return v != NULL && *v != '\0' ? v : NULL;
}

status_t native_audit_list(struct request *r)
{
	struct db_audit_filter f = {
		filter(r, "object_type"), filter(r, "object_id"), filter(r, "actor"), 0, NATIVE_AUDIT_DEFAULT,
	};
	const char *before = filter(r, "before"), *limit = filter(r, "limit");
	if (before != NULL && (f.before_id = onelogin_parse_id(before)) == 0)
		return error_set(&r->err, ST_BAD_REQUEST, "before", "Must be a positive integer");
	if (limit != NULL) {
		int64_t n = onelogin_parse_id(limit);
		if (n < 1 || n > NATIVE_AUDIT_MAX)
			return error_set(&r->err, ST_BAD_REQUEST, "limit", "Must be an integer from 1 to 200");
		f.limit = (int)n;
	}
	struct db_audit_event *ev;
	size_t n;
	status_t st = db_native_audit(r->svc->db, r->arena, &r->caller, &f, &ev, &n);
	if (st != ST_OK)
		return st;
	json_t *arr = json_array();
	for (size_t k = 0; k < n; k++) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(ev[k].id));
		json_object_set_new(o, "occurred_at", time_or_null(r->arena, ev[k].occurred_us));
		json_object_set_new(o, "actor", jsonx_string_or_null(ev[k].actor));
		json_object_set_new(o, "action", json_string(ev[k].action));
		json_object_set_new(o, "object_type", json_string(ev[k].object_type));
		json_object_set_new(o, "object_id", jsonx_string_or_null(ev[k].object_id));
		json_object_set(o, "before", ev[k].before != NULL ? ev[k].before : json_null());
		json_object_set(o, "after", ev[k].after != NULL ? ev[k].after : json_null());
		json_array_append_new(arr, o);
	}
	http_reply_json(r, 200, arr);
	return ST_OK;
}

static json_t *secret_json(arena_t *a, const struct db_app_secret *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "created_at", time_or_null(a, s->created_us));
	json_object_set_new(o, "expires_at", time_or_null(a, s->expires_us));
	json_object_set_new(o, "last_used_at", time_or_null(a, s->last_used_us));
	return o;
}

status_t native_secret_list(struct request *r)
{
	struct db_app_secret *list;
	size_t n;
	status_t st = db_native_secrets(r->svc->db, r->arena, &r->caller, onelogin_parse_id(r->params[0]), &list, &n);
	if (st != ST_OK)
		return st;
	json_t *arr = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(arr, secret_json(r->arena, &list[k]));
	http_reply_json(r, 200, arr);
	return ST_OK;
}

status_t native_secret_add(struct request *r)
{
	const char *secret = crypto_random_hex(r->arena, 32);
	unsigned char hash[CRYPTO_SHA256_LEN];
	crypto_sha256_str(secret, hash);
	struct db_app_secret s;
	status_t st = db_native_secret_add(r->svc->db, r->arena, &r->caller, onelogin_parse_id(r->params[0]), hash, &s);
	if (st != ST_OK)
		return st;
	json_t *o = secret_json(r->arena, &s);
	json_object_set_new(o, "client_secret", json_string(secret));
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 201, o);
	return ST_OK;
}

status_t native_secret_retire(struct request *r)
{
	status_t st = db_native_secret_retire(r->svc->db, r->arena, &r->caller, onelogin_parse_id(r->params[0]),
					      onelogin_parse_id(r->params[1]));
	if (st == ST_CONFLICT)
		return error_set(&r->err, ST_CONFLICT, NULL, "An application keeps at least one secret");
	if (st != ST_OK)
		return st;
	http_reply_empty(r, 204);
	return ST_OK;
}

/* A server's key ring as the console shows it: every published key with its state, and when
 * the next rotation happens: the next key's start, or (while the ring has no next key yet)
 * the current key's start plus the rotation period. Public facts only: no key material. */
status_t native_server_keys(struct request *r)
{
	struct db_server_key *keys;
	size_t n;
	int64_t server = onelogin_parse_id(r->params[0]);
	status_t st = db_native_server_keys(r->svc->db, r->arena, &r->caller, server, &keys, &n);
	if (st != ST_OK)
		return st;
	int64_t next_us = 0, current_us = 0;
	json_t *arr = json_array();
	for (size_t k = 0; k < n; k++) {
		if (strcmp(keys[k].state, "next") == 0 && (next_us == 0 || keys[k].signs_from_us < next_us))
			next_us = keys[k].signs_from_us;
		if (strcmp(keys[k].state, "current") == 0)
			current_us = keys[k].signs_from_us;
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:o,s:o}", "kid", keys[k].kid, "alg", keys[k].alg,
						     "state", keys[k].state, "published_at",
						     time_or_null(r->arena, keys[k].published_us), "signs_from",
						     time_or_null(r->arena, keys[k].signs_from_us)));
	}
	if (next_us == 0 && current_us != 0)
		next_us = current_us + (int64_t)r->svc->cfg->token_key_rotation_days * 86400 * 1000000;
	http_reply_json(r, 200, json_pack("{s:I,s:o,s:o,s:i}", "server_id", (json_int_t)server, "keys", arr,
					  "next_rotation_at", time_or_null(r->arena, next_us), "rotation_days",
					  r->svc->cfg->token_key_rotation_days));
	return ST_OK;
}

/* The token a client would get (Okta's token preview): {client_id, scope?, resource?} in;
 * the header and claims of the token the server would sign, or the error its token
 * endpoint would answer, out. A read: nothing is signed, stored or counted. */
status_t native_token_preview(struct request *r)
{
	json_t *body;
	const char *client_id = NULL, *scope = NULL, *resource = NULL;
	status_t st;
	if ((st = onelogin_object_body(r, &body)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "client_id", 1, &client_id)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "scope", 0, &scope)) != ST_OK ||
	    (st = onelogin_field_string(r, body, "resource", 0, &resource)) != ST_OK)
		return st;
	struct oauth_preview p;
	if ((st = oauth_token_preview(r, onelogin_parse_id(r->params[0]), client_id, scope, resource, &p)) != ST_OK)
		return st;
	http_reply_header(r, "Cache-Control", "no-store");
	if (p.issued)
		http_reply_json(r, 200, json_pack("{s:b,s:O,s:O,s:I}", "issued", 1, "header", p.header, "claims",
						  p.claims, "expires_in", (json_int_t)p.expires_in));
	else
		http_reply_json(r, 200, json_pack("{s:b,s:i,s:s,s:s?}", "issued", 0, "status", p.http_status, "error",
						  p.error, "error_description", p.description));
	return ST_OK;
}

/* fuzz_json_onelogin: the body of POST/PUT /api/2/api_authorizations[/:id] as
 * onelogin_servers.c reads it: http_body_json (Jansson, JSON_REJECT_DUPLICATES, the
 * arena owning the value), onelogin_server_from_json onto server_init's defaults,
 * server_validate(SERVER_API), and whatever fails rendered as the OneLogin error body;
 * on success, the representation the server is sent back as. The generic field readers
 * (onelogin_field_*) are run over the body and its "configuration" too, as the scope,
 * claim, client and app handlers use them.
 *
 * Input: the request body (any bytes; Content-Type application/json).
 *
 * Invariants: nothing crashes or leaks (ASan/LSan); a refusal is ST_BAD_REQUEST or
 * ST_INVALID with a message or details, rendered as a JSON body with the status and a
 * "message"; a success maps every string field to valid UTF-8, and the GET
 * representation serializes to a JSON object. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/jsonx.h"
#include "dialect/dialect.h"
#include "dialect/onelogin.h"
#include "fuzz_common.h"
#include "http/request.h"
#include "model/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The field readers on every key of obj: whatever they return, outputs are sane. */
static void readers(struct request *r, json_t *obj)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		const char *s = NULL;
		int i = 0, b = 0;
		struct strlist l = { NULL, 0 };
		int64_t *ids = NULL;
		size_t n = 0;
		struct app_error saved = r->err;
		if (onelogin_field_string(r, obj, key, 1, &s) == ST_OK)
			fuzz_check_text(s);
		onelogin_field_int(r, obj, key, &i);
		onelogin_field_bool(r, obj, key, &b);
		FUZZ_CHECK(b == 0 || b == 1);
		if (onelogin_field_strings(r, obj, key, &l) == ST_OK)
			for (size_t k = 0; k < l.n; k++)
				fuzz_check_string(l.items[k]);
		if (onelogin_field_ids(r, obj, key, 1, &ids, &n) == ST_OK)
			for (size_t k = 0; k < n; k++)
				FUZZ_CHECK(ids[k] >= 1);
		else
			FUZZ_CHECK(ids == NULL && n == 0);
		r->err = saved;
	}
	/* a missing required field is named */
	const char *s = NULL;
	if (json_object_get(obj, "no such field") == NULL) {
		struct app_error saved = r->err;
		FUZZ_CHECK(onelogin_field_string(r, obj, "no such field", 1, &s) == ST_BAD_REQUEST);
		FUZZ_CHECK(r->err.field != NULL && strcmp(r->err.field, "no such field") == 0);
		r->err = saved;
	}
}

static void check_server(const struct server *s)
{
	fuzz_check_text(s->name);         /* "name": null leaves the default; validation refuses it */
	fuzz_check_text(s->description);
	fuzz_check_text(s->resource_identifier);
	FUZZ_CHECK(s->naudiences == 0 || s->audiences != NULL);
	for (size_t i = 0; i < s->naudiences; i++)
		fuzz_check_string(s->audiences[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body_text = fuzz_strndup(data, size);
	arena_t *a = arena_create(0);
	struct request r;
	json_t *body;
	status_t st = fuzz_json_body(a, &r, body_text, size, "application/json; charset=utf-8", &body);
	if (fuzz_json_refused(&r, st, body, &dialect_onelogin, NULL))
		goto out;
	FUZZ_CHECK(body != NULL);
	if (json_is_object(body)) {
		readers(&r, body);
		json_t *conf = json_object_get(body, "configuration");
		if (json_is_object(conf))
			readers(&r, conf);
	}

	struct server s;
	server_init(&s);
	st = onelogin_server_from_json(&r, body, &s);
	if (st == ST_OK) {
		check_server(&s);
		st = server_validate(&s, SERVER_API, &r.err);
		FUZZ_CHECK(st == ST_OK || st == ST_INVALID);
		FUZZ_CHECK((st == ST_INVALID) == (r.err.ndetails > 0));
	} else {
		FUZZ_CHECK(st == ST_BAD_REQUEST);
		FUZZ_CHECK(r.err.message != NULL);
	}
	if (st != ST_OK) {
		fuzz_check_error_reply(&r, &dialect_onelogin);
		json_t *reply = fuzz_check_json_reply(&r);
		FUZZ_CHECK(json_is_string(json_object_get(reply, "message")));
		FUZZ_CHECK(json_integer_value(json_object_get(reply, "statusCode")) == r.resp.status);
		if (st == ST_INVALID)
			FUZZ_CHECK(r.resp.status == 422);
		json_decref(reply);
	} else {
		/* what GET answers for it */
		FUZZ_CHECK(s.name != NULL && s.resource_identifier != NULL);
		json_t *o = onelogin_server_to_json(&s, 1);
		FUZZ_CHECK(o != NULL);
		size_t len = 0;
		char *text = jsonx_dump(a, o, &len);
		json_decref(o);
		json_t *back = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
		FUZZ_CHECK(back != NULL && json_is_object(back));
		json_t *conf = json_object_get(back, "configuration");
		FUZZ_CHECK(json_is_object(conf));
		FUZZ_CHECK(json_array_size(json_object_get(conf, "audiences")) == s.naudiences);
		json_decref(back);
	}
out:
	arena_destroy(a);
	free(body_text);
	return 0;
}

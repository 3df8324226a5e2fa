/* fuzz_json_venafi: the body of POST /vedsdk/oauth/CreateApplication and
 * /UpdateApplication as venafi.c and venafi_apps.c read it: http_body_json, the JSON-object
 * check of venafi_oauth_operation, venafi_app_from_json (fields, the model's rules,
 * Scope / MaximumScope / MaxScope through the scope grammar) for the body itself
 * (ApplicationId) and for body.Application (ID), and the Result reply of each outcome.
 *
 * Input: the request body (any bytes; Content-Type application/json).
 *
 * Invariants: nothing crashes or leaks; a refusal is Result 6 or 17 with a message that is
 * valid UTF-8 and appears as "Error" in the 200 reply; a success has a non-empty client id,
 * lifetimes in range, and Scope and MaximumScope in canonical form (vscope_format of their
 * parse is themselves); a body that is not JSON, or not an object, gets the Venafi error
 * body (valid JSON, 400). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/arena.h"
#include "dialect/dialect.h"
#include "dialect/venafi.h"
#include "dialect/venafi_ops.h"
#include "dialect/venafi_scope.h"
#include "fuzz_common.h"
#include "http/request.h"
#include "http/response.h"
#include "model/resource.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_canonical(arena_t *a, const char *scope)
{
	fuzz_check_string(scope);
	struct vscope v;
	const char *err = NULL;
	FUZZ_CHECK(vscope_parse(a, scope, &v, &err) == 0);
	FUZZ_CHECK(strcmp(vscope_format(a, &v), scope) == 0);
}

static void check_result_reply(struct request *r, enum venafi_result res, const char *error)
{
	http_reply_reset(r);
	venafi_reply_result(r, NULL, res, error);
	FUZZ_CHECK(r->resp.status == 200);
	json_t *reply = fuzz_check_json_reply(r);
	FUZZ_CHECK(json_integer_value(json_object_get(reply, "Result")) == res);
	FUZZ_CHECK(json_is_boolean(json_object_get(reply, "Success")));
	FUZZ_CHECK(json_is_true(json_object_get(reply, "Success")) == (res == VR_SUCCESS));
	if (res != VR_SUCCESS) {
		json_t *e = json_object_get(reply, "Error");
		FUZZ_CHECK(json_is_string(e) && strcmp(json_string_value(e), error) == 0);
	}
	json_decref(reply);
}

static void app(struct request *r, json_t *obj, const char *id_key)
{
	struct application a;
	const char *error = "unset";
	enum venafi_result res = venafi_app_from_json(r, obj, id_key, &a, &error);
	if (res == VR_SUCCESS) {
		FUZZ_CHECK(error == NULL);
		fuzz_check_string(a.client_id);
		FUZZ_CHECK(a.client_id[0] != '\0');
		fuzz_check_string(a.name);
		fuzz_check_text(a.description);
		fuzz_check_text(a.vendor);
		fuzz_check_text(a.url);
		FUZZ_CHECK(a.access_validity_seconds >= 1 && a.access_validity_seconds <= 31536000);
		FUZZ_CHECK(a.grant_validity_seconds >= 1 && a.grant_validity_seconds <= 315360000);
		FUZZ_CHECK(a.renewable == 0 || a.renewable == 1);
		check_canonical(r->arena, a.scope);
		check_canonical(r->arena, a.maximum_scope);
		/* what UpdateApplication answers */
		check_result_reply(r, res, NULL);
	} else {
		FUZZ_CHECK(res == VR_INVALID_PARAMETERS || res == VR_INVALID_SCOPE);
		fuzz_check_string(error);
		check_result_reply(r, res, error);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	arena_t *a = arena_create(0);
	struct request r;
	json_t *body;
	status_t st = fuzz_json_body(a, &r, text, size, "application/json", &body);
	/* as venafi_oauth_operation answers */
	if (fuzz_json_refused(&r, st, body, &dialect_venafi, "invalid_request"))
		goto out;
	if (!json_is_object(body)) {
		error_set(&r.err, ST_BAD_REQUEST, "invalid_request", "The request body must be a JSON object");
		fuzz_check_error_reply(&r, &dialect_venafi);
		goto out;
	}
	app(&r, body, "ApplicationId");                         /* CreateApplication */
	json_t *inner = json_object_get(body, "Application");   /* UpdateApplication */
	if (json_is_object(inner))
		app(&r, inner, "ID");
out:
	arena_destroy(a);
	free(text);
	return 0;
}

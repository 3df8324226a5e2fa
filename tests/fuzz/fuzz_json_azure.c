/* fuzz_json_azure: the body of PUT and PATCH .../authorizationServers/:name as
 * azure_servers.c reads it: http_body_json, azure_server_from_json onto server_init's
 * defaults (PUT) or onto a stored server (PATCH: the fields the body leaves out keep their
 * values), server_validate(SERVER_OAUTH_CLIENT), the ARM error body of a refusal, and on
 * success the representation sent back (azure_server_to_json) and azure_property for every
 * detail's field.
 *
 * Input: the request body (any bytes; Content-Type application/json).
 *
 * Invariants: nothing crashes or leaks; secrets[] each KEEP, REMOVE or SET, SET exactly
 * when the body gives that secret a non-empty string (REMOVE for "" or null); a refusal
 * renders {"error":{"code","message","details"}}, with one detail per recorded failure for
 * ST_INVALID; every mapped string is valid UTF-8; a success serializes to a JSON object
 * whose properties re-read through azure_server_from_json give the same server. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/jsonx.h"
#include "dialect/azure.h"
#include "dialect/dialect.h"
#include "fuzz_common.h"
#include "http/request.h"
#include "model/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const secret_keys[AZURE_SECRETS] = { "clientSecret", "resourceOwnerUsername",
							 "resourceOwnerPassword" };

static void check_list(const struct strlist *l)
{
	FUZZ_CHECK(l->n == 0 || l->items != NULL);
	for (size_t i = 0; i < l->n; i++)
		fuzz_check_string(l->items[i]);
}

static void check_server(const struct server *s)
{
	fuzz_check_text(s->name);
	fuzz_check_text(s->description);
	fuzz_check_text(s->client_registration_endpoint);
	fuzz_check_text(s->authorization_endpoint);
	fuzz_check_text(s->token_endpoint);
	fuzz_check_text(s->client_id);
	fuzz_check_text(s->default_scope);
	fuzz_check_text(s->client_secret);
	fuzz_check_text(s->resource_owner_username);
	fuzz_check_text(s->resource_owner_password);
	FUZZ_CHECK(s->support_state == 0 || s->support_state == 1);
	FUZZ_CHECK(s->use_in_test_console == 0 || s->use_in_test_console == 1);
	FUZZ_CHECK(s->use_in_api_documentation == 0 || s->use_in_api_documentation == 1);
	check_list(&s->grant_types);
	check_list(&s->authorization_methods);
	check_list(&s->client_authentication_methods);
	check_list(&s->bearer_token_sending_methods);
	FUZZ_CHECK(s->ntoken_body_params == 0 || s->token_body_params != NULL);
	for (size_t i = 0; i < s->ntoken_body_params; i++) {
		fuzz_check_string(s->token_body_params[i].name);
		fuzz_check_string(s->token_body_params[i].value);
	}
}

static void check_secrets(json_t *body, const enum azure_secret_change secrets[AZURE_SECRETS],
			  const struct server *s)
{
	json_t *props = json_object_get(body, "properties");
	const char *values[AZURE_SECRETS] = { s->client_secret, s->resource_owner_username, s->resource_owner_password };
	for (int k = 0; k < AZURE_SECRETS; k++) {
		FUZZ_CHECK(secrets[k] == AZURE_SECRET_KEEP || secrets[k] == AZURE_SECRET_REMOVE ||
			   secrets[k] == AZURE_SECRET_SET);
		json_t *v = json_is_object(props) ? json_object_get(props, secret_keys[k]) : NULL;
		if (json_is_string(v) && json_string_length(v) > 0) {
			FUZZ_CHECK(secrets[k] == AZURE_SECRET_SET);
			FUZZ_CHECK(values[k] != NULL && strcmp(values[k], json_string_value(v)) == 0);
		} else if (json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
			FUZZ_CHECK(secrets[k] == AZURE_SECRET_REMOVE);
		} else {
			FUZZ_CHECK(secrets[k] == AZURE_SECRET_KEEP);
		}
	}
}

/* PUT's preparation (azure_server_put): defaults and the path's name (GET as the default
 * authorization method comes after the mapping, in one()). */
static void put_defaults(struct server *s)
{
	server_init(s);
	s->use_in_test_console = 1;
	s->resource_name = "fuzz-server";
}

/* A stored server, as PATCH finds it. */
static void stored(struct server *s)
{
	static const char *grants[] = { "authorization_code", "client_credentials" };
	static const char *methods[] = { "GET", "POST" };
	static struct token_body_param params[] = { { "resource", "https://graph" } };
	put_defaults(s);
	s->name = "Contoso";
	s->description = "stored";
	s->client_registration_endpoint = "https://contoso.com/apps";
	s->authorization_endpoint = "https://contoso.com/oauth2/auth";
	s->token_endpoint = "https://contoso.com/oauth2/token";
	s->client_id = "client-1";
	s->grant_types = (struct strlist){ grants, 2 };
	s->authorization_methods = (struct strlist){ methods, 2 };
	s->token_body_params = params;
	s->ntoken_body_params = 1;
	s->version = 3;
}

static const struct azure_service svc = { "Sub-1", "RG-1", "apim-1" };

static void check_reply(struct request *r, status_t st)
{
	fuzz_check_error_reply(r, &dialect_azure);
	json_t *reply = fuzz_check_json_reply(r);
	json_t *e = json_object_get(reply, "error");
	FUZZ_CHECK(json_is_object(e));
	FUZZ_CHECK(json_is_string(json_object_get(e, "code")));
	FUZZ_CHECK(json_is_string(json_object_get(e, "message")));
	json_t *details = json_object_get(e, "details");
	if (st == ST_INVALID) {
		FUZZ_CHECK(r->resp.status == 400);
		FUZZ_CHECK(json_array_size(details) == r->err.ndetails);
		for (size_t i = 0; i < json_array_size(details); i++) {
			json_t *d = json_array_get(details, i);
			FUZZ_CHECK(json_is_string(json_object_get(d, "target")));
			FUZZ_CHECK(json_is_string(json_object_get(d, "message")));
			fuzz_check_string(azure_property(r->err.details[i].field));
		}
	}
	json_decref(reply);
}

/* One write: map, validate, reply. */
static void one(arena_t *a, const char *text, size_t size, int patch)
{
	struct request r;
	json_t *body;
	status_t st = fuzz_json_body(a, &r, text, size, "application/json", &body);
	if (st != ST_OK) {
		FUZZ_CHECK(st == ST_BAD_REQUEST && body == NULL);
		check_reply(&r, st);
		return;
	}
	struct server s;
	enum azure_secret_change secrets[AZURE_SECRETS];
	memset(secrets, 0, sizeof(secrets));
	if (patch)
		stored(&s);
	else
		put_defaults(&s);
	st = azure_server_from_json(&r, body, &s, secrets);
	FUZZ_CHECK(st == ST_OK || st == ST_INVALID || st == ST_BAD_REQUEST);
	check_server(&s);
	if (json_is_object(body) && st != ST_BAD_REQUEST &&
	    (json_object_get(body, "properties") == NULL || json_is_object(json_object_get(body, "properties"))))
		check_secrets(body, secrets, &s);
	if (st == ST_OK) {
		if (!patch && s.authorization_methods.n == 0) {
			static const char *get[] = { "GET" };
			s.authorization_methods = (struct strlist){ get, 1 };
		}
		st = server_validate(&s, SERVER_OAUTH_CLIENT, &r.err);
		FUZZ_CHECK(st == ST_OK || st == ST_INVALID);
	}
	if (st != ST_OK) {
		check_reply(&r, st);
		return;
	}

	/* the reply body, and the same server read back from it */
	json_t *o = azure_server_to_json(a, &s, &svc);
	FUZZ_CHECK(o != NULL);
	size_t len = 0;
	char *out = jsonx_dump(a, o, &len);
	json_decref(o);
	struct request r2;
	json_t *back;
	FUZZ_CHECK(fuzz_json_body(a, &r2, out, len, "application/json", &back) == ST_OK && json_is_object(back));
	struct server s2;
	enum azure_secret_change secrets2[AZURE_SECRETS];
	put_defaults(&s2);
	FUZZ_CHECK(azure_server_from_json(&r2, back, &s2, secrets2) == ST_OK);
	FUZZ_CHECK(server_validate(&s2, SERVER_OAUTH_CLIENT, &r2.err) == ST_OK);
	FUZZ_CHECK(strcmp(s2.name, s.name) == 0);
	FUZZ_CHECK(s2.grant_types.n == s.grant_types.n);
	for (size_t i = 0; i < s.grant_types.n; i++)
		FUZZ_CHECK(strcmp(s2.grant_types.items[i], s.grant_types.items[i]) == 0);
	/* an empty list is shown as the default, ["GET"] (a PATCH may store one: PUT fills in
	 * GET before validation, PATCH does not; what clients see is the same) */
	FUZZ_CHECK(s2.authorization_methods.n == (s.authorization_methods.n ? s.authorization_methods.n : 1));
	FUZZ_CHECK(s2.ntoken_body_params == s.ntoken_body_params);
	FUZZ_CHECK(s2.support_state == s.support_state);
	FUZZ_CHECK(s2.use_in_test_console == s.use_in_test_console);
	FUZZ_CHECK(s2.use_in_api_documentation == s.use_in_api_documentation);
	FUZZ_CHECK((s2.client_id == NULL) == (s.client_id == NULL));
	if (s.client_id != NULL)
		FUZZ_CHECK(strcmp(s2.client_id, s.client_id) == 0);
	/* secrets are never part of the representation */
	for (int k = 0; k < AZURE_SECRETS; k++)
		FUZZ_CHECK(secrets2[k] == AZURE_SECRET_KEEP);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	arena_t *a = arena_create(0);
	one(a, text, size, 0);
	arena_reset(a);
	one(a, text, size, 1);
	arena_destroy(a);
	free(text);
	return 0;
}

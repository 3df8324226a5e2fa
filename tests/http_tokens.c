/* The token service end to end through nginx: tokens and their claims (verified against the
 * JWKS), every RFC 6749 error, throttling, JWKS and metadata caching, introspection and
 * revocation (also across issuers, after unlinking and deleting), OneLogin's /oidc/2 paths,
 * an Azure server's own client, rotation by the clock, races on a ring's first use and on a
 * revocation, and that issuing a token writes nothing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "core/crypto.h"
#include "http_client.h"
#include "suites.h"
#include "token/jose.h"

#define FORM "application/x-www-form-urlencoded"
#define OL "/api/2/api_authorizations"
#define AZ_BASE "/subscriptions/tok-sub/resourceGroups/tok-rg/providers/Microsoft.ApiManagement/service/tok-svc" \
		"/authorizationServers"
#define AZ_V "?api-version=2022-08-01"
#define PARALLEL 8

struct client {
	long app_id;
	char id[160], secret[160];
	char basic[512];             /* "Authorization: Basic ..." */
};

static char *admin;
static long s1, s2, s3;              /* s1: two audiences, two scopes; s2: a second server; s3: nobody linked */
static long read_scope, write_scope, s2_scope;
static struct client A, B, C;        /* A: s1 read+write and s2; B: s1 read; C: linked to nothing */
static char issuer1[256];

/* ---- requests ----------------------------------------------------------------------- */

/* A call with no management token: the token service's clients have none. */
static int call(const char *method, const char *path, const char *ctype, const char *body, const char *extra,
		struct http_resp *r)
{
	tc_set_token(NULL);
	int rc = tc_call(NULL, method, path, ctype, body, extra, r);
	tc_set_token(admin);
	return rc;
}

static void post_form(const char *path, const char *form, const struct client *c, struct http_resp *r)
{
	call("POST", path, FORM, form, c ? c->basic : NULL, r);
}

static const char *oauth_path(long server, const char *rest)
{
	static char buf[4][256];
	static int k;
	char *p = buf[k++ % 4];
	snprintf(p, 256, "/oauth2/%ld%s", server, rest);
	return p;
}

/* A token for c at server (form: the rest of the form), or NULL; the caller frees it. */
static char *token_for(long server, const struct client *c, const char *form)
{
	struct http_resp r;
	char body[1024];
	snprintf(body, sizeof(body), "grant_type=client_credentials%s%s", form ? "&" : "", form ? form : "");
	post_form(oauth_path(server, "/v1/token"), body, c, &r);
	json_t *j = r.status == 200 ? json_loads(r.body, 0, NULL) : NULL;
	if (r.status != 200)
		fprintf(stderr, "\n    token: %ld %s\n", r.status, r.body);
	char *t = j ? strdup(json_string_value(json_object_get(j, "access_token"))) : NULL;
	json_decref(j);
	tc_resp_free(&r);
	if (t)
		tc_remember_secret(t);
	return t;
}

static long post_id(const char *path, const char *body)
{
	struct http_resp r;
	long id = 0;
	tc_json("POST", path, body, &r);
	if (r.status != 200 && r.status != 201)
		fprintf(stderr, "\n    POST %s: %ld %s\n", path, r.status, r.body);
	sscanf(r.body, "{\"id\":%ld", &id);
	tc_resp_free(&r);
	return id;
}

static int new_client(const char *name, struct client *c)
{
	struct http_resp r;
	char body[256];
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	memset(c, 0, sizeof(*c));
	if (tc_json("POST", "/api/2/apps", body, &r) != 0 || r.status != 201) {
		tc_resp_free(&r);
		return -1;
	}
	json_t *j = json_loads(r.body, 0, NULL);
	tc_resp_free(&r);
	json_t *sso = json_object_get(j, "sso");
	c->app_id = (long)json_integer_value(json_object_get(j, "id"));
	snprintf(c->id, sizeof(c->id), "%s", json_string_value(json_object_get(sso, "client_id")));
	snprintf(c->secret, sizeof(c->secret), "%s", json_string_value(json_object_get(sso, "client_secret")));
	json_decref(j);
	tc_remember_secret(c->secret);
	char pair[400];
	snprintf(pair, sizeof(pair), "%s:%s", c->id, c->secret);
	char *b64 = crypto_base64_encode(tests_arena, pair, strlen(pair), BASE64_STD);
	snprintf(c->basic, sizeof(c->basic), "Authorization: Basic %s", b64);
	return c->app_id > 0 ? 0 : -1;
}

static int link_client(long server, const struct client *c, const long *scopes, int n)
{
	char body[256], path[128];
	int o = snprintf(body, sizeof(body), "{\"app_id\":%ld,\"scopes\":[", c->app_id);
	for (int i = 0; i < n; i++)
		o += snprintf(body + o, sizeof(body) - (size_t)o, "%s%ld", i ? "," : "", scopes[i]);
	snprintf(body + o, sizeof(body) - (size_t)o, "]}");
	snprintf(path, sizeof(path), OL "/%ld/clients", server);
	struct http_resp r;
	tc_json("POST", path, body, &r);
	int ok = r.status == 200 || r.status == 201;
	tc_resp_free(&r);
	return ok ? 0 : -1;
}

static long new_server(const char *name, const char *identifier, const char *audiences)
{
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"name\":\"%s\",\"configuration\":{\"resource_identifier\":\"%s\",\"audiences\":[%s],"
		 "\"access_token_expiration_minutes\":15}}", name, identifier, audiences);
	return post_id(OL, body);
}

static long new_scope(long server, const char *value)
{
	char path[128], body[256];
	snprintf(path, sizeof(path), OL "/%ld/scopes", server);
	snprintf(body, sizeof(body), "{\"value\":\"%s\",\"description\":\"%s\"}", value, value);
	return post_id(path, body);
}

static int init(void)
{
	admin = strdup(tc_current_token());
	if (tests_arena_init() != 0)
		return -1;
	s1 = new_server("tokens one", "https://contacts.example.com", "\"https://contacts.example.com\",\"urn:contacts:b\"");
	s2 = new_server("tokens two", "https://two.example.com", "\"https://two.example.com\"");
	s3 = new_server("tokens three", "https://three.example.com", "\"https://three.example.com\"");
	read_scope = new_scope(s1, "contacts:read");
	write_scope = new_scope(s1, "contacts:write");
	s2_scope = new_scope(s2, "two:read");
	long ab[] = { read_scope, write_scope }, two[] = { s2_scope };
	if (s1 <= 0 || s2 <= 0 || s3 <= 0 || read_scope <= 0 || write_scope <= 0 || s2_scope <= 0 ||
	    new_client("tokens A", &A) || new_client("tokens B", &B) || new_client("tokens C", &C) ||
	    link_client(s1, &A, ab, 2) || link_client(s1, &B, ab, 1) || link_client(s2, &A, two, 1))
		return -1;
	snprintf(issuer1, sizeof(issuer1), "%s/oauth2/%ld", tc_https_url(), s1);
	return tc_sql_exec("INSERT INTO tenant_hosts (host, tenant_id) SELECT 'tenant-a.test', id FROM tenants "
			   "WHERE name = 'tenant-a' ON CONFLICT DO NOTHING");
}

static int cleanup(void)
{
	tc_set_host(NULL);
	tc_set_token(admin);
	free(admin);
	return tests_arena_cleanup();
}

/* ---- tokens taken apart --------------------------------------------------------------- */

static json_t *part(const char *token, int which)
{
	const char *p = token;
	for (int i = 0; i < which && p; i++)
		p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL;
	if (p == NULL)
		return NULL;
	size_t n = strcspn(p, "."), len;
	unsigned char *raw = crypto_base64_decode(tests_arena, p, n, BASE64_URL, &len);
	return raw ? json_loadb((const char *)raw, len, 0, NULL) : NULL;
}

static const char *text_of(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The JWKS of a path, parsed (the caller decrefs). */
static json_t *jwks(const char *path)
{
	struct http_resp r;
	call("GET", path, NULL, NULL, NULL, &r);
	json_t *j = r.status == 200 ? json_loads(r.body, 0, NULL) : NULL;
	tc_resp_free(&r);
	return j;
}

/* 1 if token's signature verifies with the key of its kid in the JWKS at path. */
static int verifies(const char *token, const char *jwks_path)
{
	struct jose_jws jws;
	json_t *set = jwks(jwks_path);
	int ok = 0;
	if (set == NULL || jose_parse(tests_arena, token, strlen(token), &jws) != 0) {
		json_decref(set);
		return 0;
	}
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(set, "keys"), i, k) {
		if (jws.kid && strcmp(text_of(k, "kid"), jws.kid) == 0) {
			jose_key *key = jose_key_from_jwk(k);
			ok = key != NULL && jose_verify(key, &jws);
			jose_key_free(key);
		}
	}
	json_decref(set);
	return ok;
}

static const char *form_token(const char *token)
{
	char *escaped = curl_easy_escape(NULL, token, 0);
	char *s = arena_sprintf(tests_arena, "token=%s", escaped);
	curl_free(escaped);
	return s;
}

static void introspect_as(const char *path, const char *token, const struct client *c, struct http_resp *r)
{
	post_form(path, form_token(token), c, r);
}

static void expect_inactive(const char *path, const char *token, const struct client *c)
{
	struct http_resp r;
	introspect_as(path, token, c, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	ASSERT_STR(r.body, "{\"active\":false}");
	tc_resp_free(&r);
}

static void expect_active(const char *path, const char *token, const struct client *c)
{
	struct http_resp r;
	introspect_as(path, token, c, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"active\":true"));
	tc_resp_free(&r);
}

static void expect_error(struct http_resp *r, long status, const char *error)
{
	char want[128];
	snprintf(want, sizeof(want), "{\"error\":\"%s\",", error);
	if (r->status != status || strncmp(r->body, want, strlen(want)) != 0)
		fprintf(stderr, "\n    want %ld %s, got %ld %s\n", status, error, r->status, r->body);
	CU_ASSERT_EQUAL(r->status, status);
	CU_ASSERT_EQUAL(strncmp(r->body, want, strlen(want)), 0);
	ASSERT_STR(tc_header(r, "Cache-Control"), "no-store");
	tc_resp_free(r);
}

/* A form POST that must be refused: status and error code (want: "invalid_client"), or the
 * exact body (want starting with '{'). */
static void refused(const char *path, const char *form, const struct client *c, long status, const char *want)
{
	struct http_resp r;
	post_form(path, form, c, &r);
	if (want[0] == '{') {
		ASSERT_STR(r.body, want);
		char code[64];
		sscanf(want, "{\"error\":\"%63[^\"]", code);
		expect_error(&r, status, code);
	} else {
		expect_error(&r, status, want);
	}
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_token_and_claims(void)
{
	struct http_resp r;
	post_form(oauth_path(s1, "/v1/token"), "grant_type=client_credentials", &A, &r);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	ASSERT_STR(tc_header(&r, "Cache-Control"), "no-store");
	ASSERT_STR(tc_header(&r, "Pragma"), "no-cache");
	json_t *body = json_loads(r.body, 0, NULL);
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(json_object_size(body), 4);
	ASSERT_STR(text_of(body, "token_type"), "Bearer");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(body, "expires_in")), 900);
	ASSERT_STR(text_of(body, "scope"), "contacts:read contacts:write");
	const char *token = text_of(body, "access_token");
	tc_remember_secret(token);

	json_t *h = part(token, 0), *c = part(token, 1);
	char want[256];
	snprintf(want, sizeof(want), "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", text_of(h, "kid"));
	char *hs = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ASSERT_STR(hs, want);
	free(hs);
	CU_ASSERT_EQUAL(strlen(text_of(h, "kid")), JOSE_KID_LEN);
	ASSERT_STR(text_of(c, "iss"), issuer1);
	ASSERT_STR(text_of(c, "sub"), A.id);
	ASSERT_STR(text_of(c, "client_id"), A.id);
	ASSERT_STR(text_of(c, "scope"), "contacts:read contacts:write");
	char *aud = json_dumps(json_object_get(c, "aud"), JSON_COMPACT);
	ASSERT_STR(aud, "[\"https://contacts.example.com\",\"urn:contacts:b\"]");
	free(aud);
	json_int_t iat = json_integer_value(json_object_get(c, "iat")), exp = json_integer_value(json_object_get(c, "exp"));
	CU_ASSERT_EQUAL(exp - iat, 900);
	CU_ASSERT(llabs((long long)iat - (long long)time(NULL)) <= 5);
	CU_ASSERT_EQUAL(strlen(text_of(c, "jti")), 22);             /* 128 bits, base64url */
	CU_ASSERT_PTR_NULL(json_object_get(c, "azp"));
	CU_ASSERT_EQUAL(json_object_size(c), 8);
	CU_ASSERT(verifies(token, oauth_path(s1, "/v1/keys")));
	/* another server's keys do not verify it */
	CU_ASSERT(!verifies(token, oauth_path(s2, "/v1/keys")));
	json_decref(h);
	json_decref(c);

	char *again = token_for(s1, &A, NULL);
	json_t *c2 = part(again, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	json_t *c1 = part(token, 1);
	CU_ASSERT_STRING_NOT_EQUAL(text_of(c2, "jti"), text_of(c1, "jti"));
	json_decref(c1);
	json_decref(c2);
	free(again);
	json_decref(body);
}

static void claim_is(const char *token, const char *claim, const char *json)
{
	json_t *c = part(token, 1);
	char *v = json_dumps(json_object_get(c, claim), JSON_COMPACT | JSON_ENCODE_ANY);
	ASSERT_STR(v, json);
	free(v);
	json_decref(c);
}

static void test_scope_and_resource(void)
{
	char *t = token_for(s1, &A, "scope=contacts:read");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	claim_is(t, "scope", "\"contacts:read\"");
	free(t);
	t = token_for(s1, &A, "scope=contacts:write+contacts:read+contacts:write");
	claim_is(t, "scope", "\"contacts:write contacts:read\"");
	free(t);
	t = token_for(s1, &A, "resource=urn:contacts:b");
	claim_is(t, "aud", "\"urn:contacts:b\"");
	free(t);
	t = token_for(s1, &A, "resource=https%3A%2F%2Fcontacts.example.com");
	claim_is(t, "aud", "[\"https://contacts.example.com\",\"urn:contacts:b\"]");
	free(t);
	t = token_for(s1, &B, NULL);
	claim_is(t, "scope", "\"contacts:read\"");
	free(t);

	refused(oauth_path(s1, "/v1/token"), "grant_type=client_credentials&scope=contacts:admin", &A, 400,
		"{\"error\":\"invalid_scope\",\"error_description\":\"scope contacts:admin is not granted "
		"to this client\"}");
	refused(oauth_path(s1, "/v1/token"), "grant_type=client_credentials&scope=contacts:write", &B, 400, "invalid_scope");
	refused(oauth_path(s1, "/v1/token"), "grant_type=client_credentials&resource=urn:other", &A, 400,
		"{\"error\":\"invalid_target\",\"error_description\":\"resource is not this "
		"authorization server's\"}");
}

static void test_client_authentication(void)
{
	struct http_resp r;
	char form[512], bad[512];
	/* client_secret_post */
	snprintf(form, sizeof(form), "grant_type=client_credentials&client_id=%s&client_secret=%s", A.id, A.secret);
	post_form(oauth_path(s1, "/v1/token"), form, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	/* both at once */
	refused(oauth_path(s1, "/v1/token"), form, &A, 400,
		"{\"error\":\"invalid_request\",\"error_description\":\"use one client authentication "
		"method, not two\"}");
	/* none */
	post_form(oauth_path(s1, "/v1/token"), "grant_type=client_credentials", NULL, &r);
	ASSERT_STR(tc_header(&r, "WWW-Authenticate"), "Basic realm=\"authzd\", charset=\"UTF-8\"");
	expect_error(&r, 401, "invalid_client");
	/* a wrong secret, by either method */
	snprintf(bad, sizeof(bad), "grant_type=client_credentials&client_id=%s&client_secret=nope", B.id);
	post_form(oauth_path(s1, "/v1/token"), bad, NULL, &r);
	ASSERT_STR(r.body, "{\"error\":\"invalid_client\",\"error_description\":\"client authentication failed\"}");
	ASSERT_STR(tc_header(&r, "WWW-Authenticate"), "Basic realm=\"authzd\", charset=\"UTF-8\"");
	expect_error(&r, 401, "invalid_client");
	call("POST", oauth_path(s1, "/v1/token"), FORM, "grant_type=client_credentials",
	     "Authorization: Basic bm90LWEtY2xpZW50Om5vLXNlY3JldA==", &r);
	expect_error(&r, 401, "invalid_client");
	call("POST", oauth_path(s1, "/v1/token"), FORM, "grant_type=client_credentials", "Authorization: Basic !!!",
	     &r);
	expect_error(&r, 401, "invalid_client");
	/* known, right secret, but not linked here */
	refused(oauth_path(s1, "/v1/token"), "grant_type=client_credentials", &C, 400,
		"{\"error\":\"unauthorized_client\",\"error_description\":\"the client is not linked to "
		"this authorization server\"}");
	refused(oauth_path(s3, "/v1/token"), "grant_type=client_credentials", &A, 400, "unauthorized_client");
}

static void test_request_errors(void)
{
	struct http_resp r;
	refused(oauth_path(s1, "/v1/token"), "scope=x", &A, 400,
		"{\"error\":\"invalid_request\",\"error_description\":\"grant_type is required\"}");
	refused(oauth_path(s1, "/v1/token"), "grant_type=password&username=u&password=p", &A, 400, "unsupported_grant_type");
	refused(oauth_path(s1, "/v1/token"), "grant_type=client_credentials&grant_type=client_credentials", &A, 400,
		"{\"error\":\"invalid_request\",\"error_description\":\"parameter grant_type is "
		"repeated\"}");
	refused(oauth_path(s1, "/v1/token"), "grant_type=client_credentials&scope=a&scope=b", &A, 400, "invalid_request");
	call("POST", oauth_path(s1, "/v1/token"), "application/json", "{\"grant_type\":\"client_credentials\"}",
	     A.basic, &r);
	expect_error(&r, 400, "invalid_request");
	refused(oauth_path(s1, "/v1/token"), "grant_type=client_credentials&scope=%ZZ", &A, 400, "invalid_request");
	call("GET", oauth_path(s1, "/v1/token"), NULL, NULL, A.basic, &r);
	ASSERT_STR(tc_header(&r, "Allow"), "POST");
	expect_error(&r, 405, "invalid_request");
	refused("/oauth2/999999999/v1/token", "grant_type=client_credentials", &A, 404, "invalid_request");
	refused("/oauth2/abc/v1/token", "grant_type=client_credentials", &A, 404, "invalid_request");
	call("GET", "/oauth2/1/v2/nothing", NULL, NULL, NULL, &r);
	expect_error(&r, 404, "invalid_request");
}

static void test_throttle(void)
{
	struct http_resp r;
	struct client D;
	long ab[] = { read_scope };
	CU_ASSERT_FATAL(new_client("tokens throttled", &D) == 0 && link_client(s1, &D, ab, 1) == 0);
	char bad[512];
	snprintf(bad, sizeof(bad), "grant_type=client_credentials&client_id=%s&client_secret=wrong", D.id);
	for (int i = 0; i < 10; i++) {
		post_form(oauth_path(s1, "/v1/token"), bad, NULL, &r);
		CU_ASSERT_EQUAL(r.status, 401);
		tc_resp_free(&r);
	}
	/* now even the right secret waits, and says how long */
	post_form(oauth_path(s1, "/v1/token"), "grant_type=client_credentials", &D, &r);
	CU_ASSERT_PTR_NOT_NULL(tc_header(&r, "Retry-After"));
	CU_ASSERT(atoi(tc_header(&r, "Retry-After") ? tc_header(&r, "Retry-After") : "0") >= 1);
	ASSERT_STR(r.body, "{\"error\":\"temporarily_unavailable\",\"error_description\":\"too many failed client "
			   "authentications; retry later\"}");
	expect_error(&r, 429, "temporarily_unavailable");
	/* introspection by the throttled client too */
	char *t = token_for(s1, &A, NULL);
	introspect_as(oauth_path(s1, "/v1/introspect"), t, &D, &r);
	expect_error(&r, 429, "temporarily_unavailable");
	/* other clients are not affected */
	expect_active(oauth_path(s1, "/v1/introspect"), t, &B);
	free(t);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT failures FROM login_failures WHERE kind = 'client' AND subject LIKE '%:' || $1",
				    D.id, NULL, NULL), 10);
}

static void test_jwks_and_metadata(void)
{
	struct http_resp r;
	call("GET", oauth_path(s1, "/v1/keys"), NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	ASSERT_STR(tc_header(&r, "Cache-Control"), "public, max-age=300");
	char etag[64];
	snprintf(etag, sizeof(etag), "%s", tc_header(&r, "ETag") ? tc_header(&r, "ETag") : "");
	CU_ASSERT(strlen(etag) > 2);
	json_t *set = json_loads(r.body, 0, NULL);
	tc_resp_free(&r);
	size_t i;
	json_t *k;
	CU_ASSERT(json_array_size(json_object_get(set, "keys")) >= 2);      /* current and next */
	json_array_foreach(json_object_get(set, "keys"), i, k) {
		ASSERT_STR(text_of(k, "use"), "sig");
		ASSERT_STR(text_of(k, "alg"), "RS256");
		ASSERT_STR(text_of(k, "kty"), "RSA");
		CU_ASSERT_PTR_NULL(json_object_get(k, "d"));
		CU_ASSERT_PTR_NULL(json_object_get(k, "p"));
		char kid[JOSE_KID_LEN + 1];
		CU_ASSERT(jose_thumbprint(k, kid) == 0 && strcmp(kid, text_of(k, "kid")) == 0);
	}
	json_decref(set);
	char inm[128];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	call("GET", oauth_path(s1, "/v1/keys"), NULL, NULL, inm, &r);
	CU_ASSERT_EQUAL(r.status, 304);
	CU_ASSERT_EQUAL(r.body_len, 0);
	tc_resp_free(&r);

	char want[2048];
	snprintf(want, sizeof(want),
		 "{\"issuer\":\"%1$s\",\"token_endpoint\":\"%1$s/v1/token\",\"jwks_uri\":\"%1$s/v1/keys\","
		 "\"introspection_endpoint\":\"%1$s/v1/introspect\",\"revocation_endpoint\":\"%1$s/v1/revoke\","
		 "\"grant_types_supported\":[\"client_credentials\"],\"response_types_supported\":[],"
		 "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"client_secret_post\"],"
		 "\"introspection_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"client_secret_post\"],"
		 "\"revocation_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"client_secret_post\"],"
		 "\"scopes_supported\":[\"contacts:read\",\"contacts:write\"],"
		 "\"access_token_signing_alg_values_supported\":[\"RS256\"]}", issuer1);
	const char *forms[] = { "/.well-known/oauth-authorization-server/oauth2/%ld",
				"/oauth2/%ld/.well-known/oauth-authorization-server",
				"/oauth2/%ld/.well-known/openid-configuration" };
	for (size_t f = 0; f < 3; f++) {
		char path[128];
		snprintf(path, sizeof(path), forms[f], s1);
		call("GET", path, NULL, NULL, NULL, &r);
		CU_ASSERT_EQUAL(r.status, 200);
		ASSERT_STR(r.body, want);
		ASSERT_STR(tc_header(&r, "Cache-Control"), "public, max-age=300");
		tc_resp_free(&r);
	}
	call("GET", "/.well-known/oauth-authorization-server/oauth2/999999999", NULL, NULL, NULL, &r);
	expect_error(&r, 404, "invalid_request");
	call("GET", "/oauth2/999999999/v1/keys", NULL, NULL, NULL, &r);
	expect_error(&r, 404, "invalid_request");
}

static void test_introspection(void)
{
	struct http_resp r;
	char *t = token_for(s1, &A, "scope=contacts:read");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	introspect_as(oauth_path(s1, "/v1/introspect"), t, &B, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	ASSERT_STR(tc_header(&r, "Cache-Control"), "no-store");
	json_t *c = part(t, 1), *got = json_loads(r.body, 0, NULL);
	tc_resp_free(&r);
	char want[1024];
	snprintf(want, sizeof(want),
		 "{\"active\":true,\"scope\":\"contacts:read\",\"client_id\":\"%s\",\"token_type\":\"Bearer\","
		 "\"exp\":%lld,\"iat\":%lld,\"sub\":\"%s\",\"aud\":[\"https://contacts.example.com\",\"urn:contacts:b\"],"
		 "\"iss\":\"%s\",\"jti\":\"%s\"}",
		 A.id, (long long)json_integer_value(json_object_get(c, "exp")),
		 (long long)json_integer_value(json_object_get(c, "iat")), A.id, issuer1, text_of(c, "jti"));
	char *gs = json_dumps(got, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ASSERT_STR(gs, want);
	free(gs);
	json_decref(got);
	json_decref(c);
	/* the client itself, by client_secret_post */
	char form[2048];
	snprintf(form, sizeof(form), "%s&client_id=%s&client_secret=%s", form_token(t), A.id, A.secret);
	post_form(oauth_path(s1, "/v1/introspect"), form, NULL, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"active\":true"));
	tc_resp_free(&r);
	/* a client of another server may not ask; nobody may ask unauthenticated */
	introspect_as(oauth_path(s1, "/v1/introspect"), t, &C, &r);
	expect_error(&r, 400, "unauthorized_client");
	introspect_as(oauth_path(s1, "/v1/introspect"), t, NULL, &r);
	expect_error(&r, 401, "invalid_client");
	refused(oauth_path(s1, "/v1/introspect"), "token_type_hint=access_token", &B, 400, "invalid_request");
	/* anything not active is exactly {"active":false} */
	expect_inactive(oauth_path(s1, "/v1/introspect"), "not-a-jwt", &B);
	expect_inactive(oauth_path(s1, "/v1/introspect"), "eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0.", &B);
	char forged[4096];
	snprintf(forged, sizeof(forged), "%.*sAAAA", (int)(strrchr(t, '.') - t + 1), t);
	expect_inactive(oauth_path(s1, "/v1/introspect"), forged, &B);
	/* a token of one server never passes at another, though A is a client of both */
	expect_inactive(oauth_path(s2, "/v1/introspect"), t, &A);
	char *t2 = token_for(s2, &A, NULL);
	expect_active(oauth_path(s2, "/v1/introspect"), t2, &A);
	expect_inactive(oauth_path(s1, "/v1/introspect"), t2, &A);
	free(t2);
	free(t);
}

static void test_revocation(void)
{
	struct http_resp r;
	char *t = token_for(s1, &A, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	json_t *c = part(t, 1);
	/* a client cannot revoke another's token */
	refused(oauth_path(s1, "/v1/revoke"), form_token(t), &B, 400,
		"{\"error\":\"unauthorized_client\",\"error_description\":\"the token was not issued to "
		"this client\"}");
	expect_active(oauth_path(s1, "/v1/introspect"), t, &B);
	refused(oauth_path(s1, "/v1/revoke"), form_token(t), NULL, 401, "invalid_client");
	/* its own: 200, empty, and at once inactive everywhere */
	post_form(oauth_path(s1, "/v1/revoke"), form_token(t), &A, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(r.body_len, 0);
	tc_resp_free(&r);
	expect_inactive(oauth_path(s1, "/v1/introspect"), t, &B);
	expect_inactive(oauth_path(s1, "/v1/introspect"), t, &A);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM token_revocations WHERE jti = $1 AND client_id = $2 AND "
				    "expires_at = to_timestamp($3::bigint)", text_of(c, "jti"), A.id,
				    arena_sprintf(tests_arena, "%lld", (long long)json_integer_value(json_object_get(c, "exp")))),
			1);
	/* again, unknown and garbage tokens: 200 all the same (RFC 7009) */
	post_form(oauth_path(s1, "/v1/revoke"), form_token(t), &A, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	post_form(oauth_path(s1, "/v1/revoke"), "token=garbage&token_type_hint=refresh_token", &A, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(r.body_len, 0);
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM token_revocations WHERE jti = $1", text_of(c, "jti"), NULL,
				    NULL), 1);
	/* another token of the same client is untouched */
	char *other = token_for(s1, &A, NULL);
	expect_active(oauth_path(s1, "/v1/introspect"), other, &B);
	free(other);
	json_decref(c);
	free(t);
}

/* OneLogin's paths: the tenant of the host is the issuer; resource picks the server. */
static void test_onelogin_paths(void)
{
	struct http_resp r;
	char want_iss[256], path_token[] = "/oidc/2/token";
	const char *https = tc_https_url(), *port = strrchr(https, ':');
	snprintf(want_iss, sizeof(want_iss), "https://tenant-a.test%s/oidc/2", port && port > https + 6 ? port : "");
	tc_set_host("tenant-a.test");
	/* A is linked to s1 and s2: which one needs saying */
	refused(path_token, "grant_type=client_credentials", &A, 400,
		"{\"error\":\"invalid_target\",\"error_description\":\"the client is linked to several "
		"authorization servers: say which by resource\"}");
	refused(path_token, "grant_type=client_credentials&resource=https%3A%2F%2Fnowhere.example.com", &A, 400,
		"invalid_target");
	post_form(path_token, "grant_type=client_credentials&resource=https%3A%2F%2Fcontacts.example.com", &A, &r);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	json_t *body = json_loads(r.body, 0, NULL);
	tc_resp_free(&r);
	const char *t = text_of(body, "access_token");
	tc_remember_secret(t);
	json_t *c = part(t, 1);
	ASSERT_STR(text_of(c, "iss"), want_iss);
	ASSERT_STR(text_of(c, "azp"), A.id);
	char *aud = json_dumps(json_object_get(c, "aud"), JSON_COMPACT);
	ASSERT_STR(aud, "[\"https://contacts.example.com\",\"urn:contacts:b\"]");
	free(aud);
	char suffix[32];
	snprintf(suffix, sizeof(suffix), ".%ld", s1);
	CU_ASSERT_PTR_NOT_NULL(strstr(text_of(c, "jti"), suffix));
	CU_ASSERT(verifies(t, "/oidc/2/certs"));
	CU_ASSERT(!verifies(t, oauth_path(s1, "/v1/keys")));
	/* B has one link: no resource needed */
	char *bt = NULL;
	post_form(path_token, "grant_type=client_credentials", &B, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	(void)bt;
	expect_active("/oidc/2/token/introspection", t, &B);
	/* metadata on OneLogin's endpoint names */
	call("GET", "/oidc/2/.well-known/openid-configuration", NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	json_t *meta = json_loads(r.body, 0, NULL);
	tc_resp_free(&r);
	ASSERT_STR(text_of(meta, "issuer"), want_iss);
	char want[300];
	snprintf(want, sizeof(want), "%s/certs", want_iss);
	ASSERT_STR(text_of(meta, "jwks_uri"), want);
	snprintf(want, sizeof(want), "%s/token/introspection", want_iss);
	ASSERT_STR(text_of(meta, "introspection_endpoint"), want);
	snprintf(want, sizeof(want), "%s/token/revocation", want_iss);
	ASSERT_STR(text_of(meta, "revocation_endpoint"), want);
	json_decref(meta);
	/* the per-server issuer does not accept the tenant's tokens, nor the other way round */
	tc_set_host(NULL);
	expect_inactive(oauth_path(s1, "/v1/introspect"), t, &B);
	tc_set_host("tenant-a.test");
	char *st = token_for(s1, &A, NULL);
	expect_inactive("/oidc/2/token/introspection", st, &B);
	free(st);
	/* revocation on the tenant's path */
	post_form("/oidc/2/token/revocation", form_token(t), &A, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	expect_inactive("/oidc/2/token/introspection", t, &B);
	/* another host is another tenant: the default one, which knows none of these clients */
	tc_set_host(NULL);
	refused(path_token, "grant_type=client_credentials", &B, 401, "invalid_client");
	json_decref(c);
	json_decref(body);
}

/* Unlinking a client, or deleting its server, makes its tokens inactive at once. */
static void test_unlink_and_delete(void)
{
	struct http_resp r;
	long s4 = new_server("tokens four", "https://four.example.com", "\"https://four.example.com\"");
	long sc = new_scope(s4, "four:read");
	struct client E, F;
	CU_ASSERT_FATAL(s4 > 0 && new_client("tokens E", &E) == 0 && new_client("tokens F", &F) == 0 &&
			link_client(s4, &E, &sc, 1) == 0 && link_client(s4, &F, &sc, 1) == 0);
	char *te = token_for(s4, &E, NULL), *tf = token_for(s4, &F, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(te);
	expect_active(oauth_path(s4, "/v1/introspect"), te, &F);
	char path[128];
	snprintf(path, sizeof(path), OL "/%ld/clients/%ld", s4, E.app_id);
	TC_EXPECT("DELETE", path, NULL, 204, NULL);
	expect_inactive(oauth_path(s4, "/v1/introspect"), te, &F);
	expect_active(oauth_path(s4, "/v1/introspect"), tf, &F);

	/* on the tenant's issuer, whose endpoint outlives any one server */
	tc_set_host("tenant-a.test");
	post_form("/oidc/2/token", "grant_type=client_credentials", &F, &r);
	json_t *body = json_loads(r.body, 0, NULL);
	tc_resp_free(&r);
	const char *ft = text_of(body, "access_token");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ft);
	expect_active("/oidc/2/token/introspection", ft, &B);
	snprintf(path, sizeof(path), OL "/%ld", s4);
	TC_EXPECT("DELETE", path, NULL, 204, NULL);
	expect_inactive("/oidc/2/token/introspection", ft, &B);
	tc_set_host(NULL);
	/* and the deleted server's own issuer is gone with it */
	introspect_as(oauth_path(s4, "/v1/introspect"), tf, &F, &r);
	expect_error(&r, 404, "invalid_request");
	call("GET", oauth_path(s4, "/v1/keys"), NULL, NULL, NULL, &r);
	expect_error(&r, 404, "invalid_request");
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM issuers WHERE server_id = $1",
				    arena_sprintf(tests_arena, "%ld", s4), NULL, NULL), 0);
	json_decref(body);
	free(te);
	free(tf);
}

/* Nothing is written for a token issued or introspected: no transaction id is assigned. */
static void test_nothing_written(void)
{
	char *warm = token_for(s1, &B, NULL);       /* may note the secret's last use (once a minute) */
	CU_ASSERT_PTR_NOT_NULL_FATAL(warm);
	expect_active(oauth_path(s1, "/v1/introspect"), warm, &B);
	long before = tc_sql_long("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint", NULL, NULL, NULL);
	for (int i = 0; i < 20; i++) {
		char *t = token_for(s1, &B, NULL);
		CU_ASSERT_PTR_NOT_NULL(t);
		free(t);
	}
	for (int i = 0; i < 5; i++)
		expect_active(oauth_path(s1, "/v1/introspect"), warm, &B);
	long after = tc_sql_long("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint", NULL, NULL, NULL);
	CU_ASSERT_EQUAL(after, before);
	free(warm);
}

/* An Azure-registered server issues to its own OAuth client, with its default scope. */
static void test_azure_own_client(void)
{
	struct http_resp r;
	const char *put = "{\"properties\":{\"displayName\":\"Tokens\",\"clientRegistrationEndpoint\":\"https://c/reg\","
			  "\"authorizationEndpoint\":\"https://c/auth\",\"grantTypes\":[\"clientCredentials\"],"
			  "\"clientId\":\"az-token-client\",\"clientSecret\":\"az-token-secret\","
			  "\"defaultScope\":\"api.read api.write\"}}";
	const char *no_grant = "{\"properties\":{\"displayName\":\"Code only\",\"clientRegistrationEndpoint\":\"https://c/reg\","
			       "\"authorizationEndpoint\":\"https://c/auth\",\"grantTypes\":[\"authorizationCode\"],"
			       "\"clientId\":\"az-code-client\",\"clientSecret\":\"az-code-secret\"}}";
	tc_remember_secret("az-token-secret");
	tc_remember_secret("az-code-secret");
	tc_json("PUT", AZ_BASE "/tok1" AZ_V, put, &r);
	CU_ASSERT(r.status == 200 || r.status == 201);
	tc_resp_free(&r);
	tc_json("PUT", AZ_BASE "/tok2" AZ_V, no_grant, &r);
	CU_ASSERT(r.status == 200 || r.status == 201);
	tc_resp_free(&r);
	long az = tc_sql_long("SELECT id FROM servers WHERE resource_name = 'tok1'", NULL, NULL, NULL);
	long az2 = tc_sql_long("SELECT id FROM servers WHERE resource_name = 'tok2'", NULL, NULL, NULL);
	struct client own = { 0 }, wrong = { 0 }, code = { 0 };
	snprintf(own.basic, sizeof(own.basic), "Authorization: Basic %s",
		 crypto_base64_encode(tests_arena, "az-token-client:az-token-secret", 31, BASE64_STD));
	snprintf(wrong.basic, sizeof(wrong.basic), "Authorization: Basic %s",
		 crypto_base64_encode(tests_arena, "az-token-client:not-it", 22, BASE64_STD));
	snprintf(code.basic, sizeof(code.basic), "Authorization: Basic %s",
		 crypto_base64_encode(tests_arena, "az-code-client:az-code-secret", 29, BASE64_STD));
	char *t = token_for(az, &own, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	char iss[256];
	snprintf(iss, sizeof(iss), "\"%s/oauth2/%ld\"", tc_https_url(), az);
	claim_is(t, "scope", "\"api.read api.write\"");
	claim_is(t, "aud", iss);                     /* no audiences, no identifier: the issuer */
	claim_is(t, "client_id", "\"az-token-client\"");
	free(t);
	t = token_for(az, &own, "scope=api.read");
	claim_is(t, "scope", "\"api.read\"");
	expect_active(oauth_path(az, "/v1/introspect"), t, &own);
	post_form(oauth_path(az, "/v1/revoke"), form_token(t), &own, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	expect_inactive(oauth_path(az, "/v1/introspect"), t, &own);
	free(t);
	refused(oauth_path(az, "/v1/token"), "grant_type=client_credentials&scope=api.admin", &own, 400, "invalid_scope");
	refused(oauth_path(az, "/v1/token"), "grant_type=client_credentials", &wrong, 401, "invalid_client");
	/* authentication first, then the grant type */
	refused(oauth_path(az2, "/v1/token"), "grant_type=client_credentials", &wrong, 401, "invalid_client");
	refused(oauth_path(az2, "/v1/token"), "grant_type=client_credentials", &code, 400,
		"{\"error\":\"unauthorized_client\",\"error_description\":\"this authorization server "
		"does not allow client_credentials\"}");
	/* a client of one Azure server is nobody at another */
	refused(oauth_path(az2, "/v1/token"), "grant_type=client_credentials", &own, 401, "invalid_client");
}

/* The clock rotates keys: once the next key's time comes, every worker signs with it (no
 * restart) and a new next key is published; the previous one stays published. */
static void test_rotation_by_clock(void)
{
	long s5 = new_server("tokens five", "https://five.example.com", "\"https://five.example.com\"");
	long sc = new_scope(s5, "five:read");
	struct client G;
	CU_ASSERT_FATAL(s5 > 0 && new_client("tokens G", &G) == 0 && link_client(s5, &G, &sc, 1) == 0);
	char *before = token_for(s5, &G, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(before);
	const char *ids = arena_sprintf(tests_arena, "%ld", s5);
	const char *next = tc_sql_text("SELECT k.kid FROM signing_keys k JOIN issuers i ON i.id = k.issuer_id "
				       "WHERE i.server_id = $1 AND k.signs_from > now()", ids);
	CU_ASSERT_PTR_NOT_NULL_FATAL(next);
	char *next_kid = strdup(next);
	/* ninety days pass */
	CU_ASSERT(tc_sql_exec(arena_sprintf(tests_arena,
		"UPDATE signing_keys k SET published_at = k.published_at - interval '90 days 1 second', "
		"signs_from = k.signs_from - interval '90 days 1 second' FROM issuers i "
		"WHERE i.id = k.issuer_id AND i.server_id = %ld", s5)) == 0);
	/* every worker picks it up (once what it remembers of the grant has expired:
	 * token_grant_cache_ms, 1 s): several requests land on several workers */
	tc_sleep_ms(1100);
	for (int i = 0; i < 2 * PARALLEL; i++) {
		char *t = token_for(s5, &G, NULL);
		json_t *h = part(t, 0);
		ASSERT_STR(text_of(h, "kid"), next_kid);
		json_decref(h);
		CU_ASSERT(verifies(t, oauth_path(s5, "/v1/keys")));
		free(t);
	}
	CU_ASSERT(verifies(before, oauth_path(s5, "/v1/keys")));     /* the previous key is still published */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM signing_key_states WHERE server_id = $1 AND state = 'next'",
				    ids, NULL, NULL), 1);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM signing_key_states WHERE server_id = $1 AND state = 'previous'",
				    ids, NULL, NULL), 1);
	/* the new next key signs a rotation period after its predecessor began, and was
	 * published at least twice the JWKS max-age before that */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM signing_keys k JOIN issuers i ON i.id = k.issuer_id "
				    "WHERE i.server_id = $1 AND k.signs_from > now() + interval '89 days'", ids, NULL,
				    NULL), 1);
	free(next_kid);
	free(before);
}

/* What a worker remembers of a grant lasts token_grant_cache_ms (1 s) at most: a client
 * deleted is refused after that on every worker, and its tokens were never active beyond it. */
static void test_grant_memory(void)
{
	long s7 = new_server("tokens seven", "https://seven.example.com", "\"https://seven.example.com\"");
	long sc = new_scope(s7, "seven:read");
	struct client K, L;
	CU_ASSERT_FATAL(s7 > 0 && new_client("tokens K", &K) == 0 && link_client(s7, &K, &sc, 1) == 0 &&
			new_client("tokens L", &L) == 0 && link_client(s7, &L, &sc, 1) == 0);
	for (int i = 0; i < PARALLEL; i++) {        /* remembered by several workers */
		char *t = token_for(s7, &K, NULL);
		CU_ASSERT_PTR_NOT_NULL(t);
		free(t);
	}
	char *t = token_for(s7, &K, NULL);
	TC_EXPECT("DELETE", tc_fmt("/api/2/apps/%ld", K.app_id), NULL, 204, NULL);
	expect_inactive(oauth_path(s7, "/v1/introspect"), t, &L);     /* at once */
	tc_sleep_ms(1100);
	for (int i = 0; i < PARALLEL; i++)
		refused(oauth_path(s7, "/v1/token"), "grant_type=client_credentials", &K, 401, "invalid_client");
	free(t);
}

/* ---- races ---------------------------------------------------------------------------- */

struct job {
	const char *path, *form, *extra;
	struct http_resp r;
	int rc;
	pthread_barrier_t *go;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	CURL *h = curl_easy_init();
	struct http_resp warm;
	tc_call_with(h, NULL, "GET", "/healthz", NULL, NULL, NULL, &warm);
	tc_resp_free(&warm);
	pthread_barrier_wait(j->go);
	j->rc = tc_call_with(h, NULL, "POST", j->path, FORM, j->form, j->extra, &j->r);
	curl_easy_cleanup(h);
	return NULL;
}

static void run_all(struct job *jobs, int n)
{
	pthread_t tid[PARALLEL];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, (unsigned)n);
	tc_set_token(NULL);
	for (int i = 0; i < n; i++) {
		jobs[i].go = &go;
		if (pthread_create(&tid[i], NULL, run_job, &jobs[i]) != 0)
			abort();
	}
	for (int i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	tc_set_token(admin);
	pthread_barrier_destroy(&go);
}

/* A ring's first use by eight clients at once: one ring, one current and one next key,
 * every token signed by the current one. */
static void test_first_use_race(void)
{
	long s6 = new_server("tokens six", "https://six.example.com", "\"https://six.example.com\"");
	long sc = new_scope(s6, "six:read");
	struct client H;
	CU_ASSERT_FATAL(s6 > 0 && new_client("tokens H", &H) == 0 && link_client(s6, &H, &sc, 1) == 0);
	struct job jobs[PARALLEL];
	for (int i = 0; i < PARALLEL; i++)
		jobs[i] = (struct job){ oauth_path(s6, "/v1/token"), "grant_type=client_credentials", H.basic, { 0 }, 0,
					NULL };
	/* oauth_path's buffers are reused: every job needs its own copy */
	char path[128];
	snprintf(path, sizeof(path), "/oauth2/%ld/v1/token", s6);
	for (int i = 0; i < PARALLEL; i++)
		jobs[i].path = path;
	run_all(jobs, PARALLEL);
	const char *ids = arena_sprintf(tests_arena, "%ld", s6);
	const char *current = tc_sql_text("SELECT kid FROM signing_key_states WHERE server_id = $1 AND state = 'current'",
					  ids);
	CU_ASSERT_PTR_NOT_NULL_FATAL(current);
	for (int i = 0; i < PARALLEL; i++) {
		CU_ASSERT_EQUAL(jobs[i].rc, 0);
		CU_ASSERT_EQUAL(jobs[i].r.status, 200);
		json_t *b = json_loads(jobs[i].r.body, 0, NULL);
		const char *t = text_of(b, "access_token");
		if (t != NULL) {
			tc_remember_secret(t);
			json_t *h = part(t, 0);
			ASSERT_STR(text_of(h, "kid"), current);
			json_decref(h);
			CU_ASSERT(verifies(t, oauth_path(s6, "/v1/keys")));
		}
		json_decref(b);
		tc_resp_free(&jobs[i].r);
	}
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM issuers WHERE server_id = $1", ids, NULL, NULL), 1);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM signing_key_states WHERE server_id = $1", ids, NULL, NULL), 2);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM signing_key_states WHERE server_id = $1 AND state = 'next'",
				    ids, NULL, NULL), 1);
}

/* Eight revocations of one token at once: all 200, one row. */
static void test_revocation_race(void)
{
	char *t = token_for(s1, &A, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	char path[128];
	snprintf(path, sizeof(path), "/oauth2/%ld/v1/revoke", s1);
	const char *form = form_token(t);
	struct job jobs[PARALLEL];
	for (int i = 0; i < PARALLEL; i++)
		jobs[i] = (struct job){ path, form, A.basic, { 0 }, 0, NULL };
	run_all(jobs, PARALLEL);
	for (int i = 0; i < PARALLEL; i++) {
		CU_ASSERT_EQUAL(jobs[i].rc, 0);
		CU_ASSERT_EQUAL(jobs[i].r.status, 200);
		CU_ASSERT_EQUAL(jobs[i].r.body_len, 0);
		tc_resp_free(&jobs[i].r);
	}
	json_t *c = part(t, 1);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM token_revocations WHERE jti = $1", text_of(c, "jti"), NULL,
				    NULL), 1);
	expect_inactive(oauth_path(s1, "/v1/introspect"), t, &B);
	json_decref(c);
	free(t);
}

void suite_http_tokens(void)
{
	static const struct test_case cases[] = {
		{ "a token: RFC 9068 header and claims, signed with a published key", test_token_and_claims },
		{ "scope and resource (RFC 8707): subsets, audiences, invalid_scope/target", test_scope_and_resource },
		{ "client authentication: basic, post, both, none, wrong, unlinked", test_client_authentication },
		{ "request errors: grant_type, repeats, content type, 405, 404", test_request_errors },
		{ "a client throttled after 10 failures, its right secret too; others not", test_throttle },
		{ "JWKS and metadata: public parts, thumbprints, ETag/304, max-age, exact body", test_jwks_and_metadata },
		{ "introspection: exact claims; inactive for forged, foreign, malformed", test_introspection },
		{ "revocation: only its own client; 200 for anything; inactive at once", test_revocation },
		{ "OneLogin's /oidc/2: tenant by host, resource picks the server, azp", test_onelogin_paths },
		{ "unlinking a client or deleting its server ends its tokens", test_unlink_and_delete },
		{ "issuing and introspecting write nothing", test_nothing_written },
		{ "an Azure server issues to its own client with its default scope", test_azure_own_client },
		{ "rotation by the clock: every worker signs with the next key at its time", test_rotation_by_clock },
		{ "a worker remembers a grant for a second at most", test_grant_memory },
		{ "a ring's first use by 8 clients at once: one ring, two keys", test_first_use_race },
		{ "8 revocations of one token at once: one row", test_revocation_race },
		{ NULL, NULL },
	};
	tests_add_suite("tokens (http)", init, cleanup, cases);
}

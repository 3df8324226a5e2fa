/* The authzd-native management API (/api/authzd/v1) end to end: who the caller is, the
 * audit trail with its filters and pages, an application's secrets added, listed and
 * retired (the last one kept, the old one working until then), a server's signing keys with
 * their states and the next rotation, the token preview beside the token the endpoint
 * really issues, scopes and tenants. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"

#include "http_client.h"
#include "suites.h"

#define N "/api/authzd/v1"
#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
static const char *const NOT_FOUND =
	"{\"message\":\"The resource with the given id could not be found\",\"statusCode\":404,\"name\":\"NotFoundError\"}";

/* Tenant "tenant-n": a Manage All and a Read All credential; tenant "tenant-n2": Manage All. */
static char manage_id[33], manage_auth[128], read_id[33], read_auth[128], other_auth[128];

static int bearer(const char *tenant, const char *scope, char id[33], char auth[128])
{
	char secret[65];
	if (tc_make_credential(tenant, scope, 0, id, secret, NULL) != 0)
		return -1;
	char *t = tc_fetch_token(id, secret);
	if (t == NULL)
		return -1;
	snprintf(auth, 128, "Authorization: Bearer %s", t);
	free(t);
	return 0;
}

static int init(void)
{
	char other_id[33];
	if (tests_arena_init() != 0)
		return -1;
	return bearer("tenant-n", "Manage All", manage_id, manage_auth) == 0 &&
	       bearer("tenant-n", "Read All", read_id, read_auth) == 0 &&
	       bearer("tenant-n2", "Manage All", other_id, other_auth) == 0 ? 0 : -1;
}

/* One call as auth; its status and (unless NULL) exact body pinned. The body is returned
 * (malloc'd) for more checks. */
static char *call(const char *auth, const char *method, const char *path, const char *body, long status,
		  const char *expect)
{
	struct http_resp r;
	tc_call(NULL, method, path, body ? "application/json" : NULL, body, auth, &r);
	if (r.status != status)
		fprintf(stderr, "\n    %s %s -> %ld %s", method, path, r.status, r.body);
	CU_ASSERT_EQUAL(r.status, status);
	if (expect != NULL)
		ASSERT_STR(r.body, expect);
	char *out = strdup(r.body);
	tc_resp_free(&r);
	return out;
}

static void test_me(void)
{
	free(call(manage_auth, "GET", N "/me", NULL, 200, tc_fmt("{\"client_id\":\"%s\",\"tenant\":\"tenant-n\","
	     "\"scopes\":[\"Manage All\"],\"can_manage\":true}", manage_id)));
	free(call(read_auth, "GET", N "/me", NULL, 200, tc_fmt("{\"client_id\":\"%s\",\"tenant\":\"tenant-n\","
	     "\"scopes\":[\"Read All\"],\"can_manage\":false}", read_id)));
	free(call("Authorization: Bearer nope", "GET", N "/me", NULL, 401,
		  "{\"message\":\"Unauthorized\",\"statusCode\":401,\"name\":\"UnauthorizedError\"}"));
	free(call(manage_auth, "POST", N "/me", NULL, 405, NULL));
}

static long app_id;
static char app_key[32];

/* The stored secret ids of the app, oldest first, as "a,b". */
static const char *secret_ids(void)
{
	return tc_sql_text("SELECT string_agg(id::text, ',' ORDER BY id) FROM application_secrets "
			   "WHERE application_id = $1::bigint", app_key);
}

static void test_secrets(void)
{
	char *b = call(manage_auth, "POST", "/api/2/apps", "{\"name\":\"Native\"}", 201, NULL);
	const char *p = strstr(b, "\"client_secret\":\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	char first_secret[65];
	snprintf(first_secret, sizeof(first_secret), "%.64s", p + 17);
	tc_remember_secret(first_secret);
	CU_ASSERT_EQUAL_FATAL(sscanf(b, "{\"id\":%ld", &app_id), 1);
	free(b);
	snprintf(app_key, sizeof(app_key), "%ld", app_id);
	long first = atol(secret_ids());

	/* the list: never a hash, times as OneLogin writes them (compared as jsonb: every key
	 * and value, not the spacing) */
	const char *want = tc_sql_text("SELECT json_agg(json_build_object('id', id, 'created_at', " ISO("created_at") ", "
				       "'expires_at', NULL, 'last_used_at', NULL))::text FROM application_secrets "
				       "WHERE application_id = $1::bigint", app_key);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	char *want_copy = strdup(want);
	b = call(read_auth, "GET", tc_fmt(N "/apps/%ld/secrets", app_id), NULL, 200, NULL);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT ($1::jsonb = $2::jsonb)::int", b, want_copy, NULL), 1);
	CU_ASSERT_PTR_NULL(strstr(b, "hash"));
	free(b);
	free(want_copy);

	/* a new secret: shown once, stored as its hash, audited without it */
	b = call(manage_auth, "POST", tc_fmt(N "/apps/%ld/secrets", app_id), NULL, 201, NULL);
	long second = 0;
	char second_secret[65] = "";
	CU_ASSERT_EQUAL(sscanf(b, "{\"id\":%ld,", &second), 1);
	p = strstr(b, "\"client_secret\":\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	snprintf(second_secret, sizeof(second_secret), "%.64s", p + 17);
	tc_remember_secret(second_secret);
	char sk[32];
	snprintf(sk, sizeof(sk), "%ld", second);
	ASSERT_STR(b, tc_fmt("{\"id\":%ld,\"created_at\":\"%s\",\"expires_at\":null,\"last_used_at\":null,"
			     "\"client_secret\":\"%s\"}", second,
			     tc_sql_text("SELECT " ISO("created_at") " FROM application_secrets WHERE id = $1::bigint", sk),
			     second_secret));
	free(b);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM application_secrets WHERE id = $1::bigint AND "
				    "secret_hash = sha256(convert_to($2, 'UTF8'))", sk, second_secret, NULL), 1);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events WHERE after::text LIKE '%' || $1 || '%'",
				    second_secret, NULL, NULL), 0);
	ASSERT_STR(secret_ids(), tc_fmt("%ld,%ld", first, second));

	/* read only may list, not add or retire */
	free(call(read_auth, "POST", tc_fmt(N "/apps/%ld/secrets", app_id), NULL, 403,
		  "{\"message\":\"Forbidden\",\"statusCode\":403,\"name\":\"ForbiddenError\"}"));
	free(call(read_auth, "DELETE", tc_fmt(N "/apps/%ld/secrets/%ld", app_id, first), NULL, 403, NULL));

	/* retiring: unknown ones are 404, the first goes, the last stays */
	free(call(manage_auth, "DELETE", tc_fmt(N "/apps/%ld/secrets/999999999", app_id), NULL, 404, NOT_FOUND));
	free(call(manage_auth, "DELETE", tc_fmt(N "/apps/999999999/secrets/%ld", first), NULL, 404, NOT_FOUND));
	free(call(manage_auth, "DELETE", tc_fmt(N "/apps/%ld/secrets/x", app_id), NULL, 404, NOT_FOUND));
	free(call(manage_auth, "GET", N "/apps/999999999/secrets", NULL, 404, NOT_FOUND));
	free(call(manage_auth, "POST", N "/apps/999999999/secrets", NULL, 404, NOT_FOUND));
	free(call(manage_auth, "DELETE", tc_fmt(N "/apps/%ld/secrets/%ld", app_id, first), NULL, 204, ""));
	ASSERT_STR(secret_ids(), sk);
	free(call(manage_auth, "DELETE", tc_fmt(N "/apps/%ld/secrets/%ld", app_id, second), NULL, 409,
		  "{\"message\":\"An application keeps at least one secret\",\"statusCode\":409,\"name\":\"ConflictError\"}"));
	ASSERT_STR(secret_ids(), sk);
}

static void test_audit(void)
{
	CU_ASSERT_FATAL(app_id > 0);
	/* exactly the rows of the trail, newest first, rendered as the API does */
	const char *want = tc_sql_text(
		"SELECT coalesce(json_agg(json_build_object('id', e.id, 'occurred_at', " ISO("e.occurred_at") ", "
		"'actor', c.client_id, 'action', e.action, 'object_type', e.object_type, 'object_id', e.object_id, "
		"'before', e.before, 'after', e.after) ORDER BY e.id DESC)::jsonb::text, '[]') "
		"FROM audit_events e LEFT JOIN api_credentials c ON c.id = e.credential_id "
		"WHERE e.object_type = 'application' AND e.object_id = $1", app_key);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	char *want_copy = strdup(want);
	char *got = call(read_auth, "GET", tc_fmt(N "/audit?object_type=application&object_id=%ld", app_id), NULL, 200, NULL);
	/* compared as jsonb, so that key order and spacing do not matter but every value does */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT ($1::jsonb = $2::jsonb)::int", got, want_copy, NULL), 1);
	free(want_copy);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT jsonb_array_length($1::jsonb)", got, NULL, NULL), 3);
	ASSERT_STR(tc_sql_text("SELECT string_agg(e->>'action', ',') FROM jsonb_array_elements($1::jsonb) e", got),
		   "application.secret.retire,application.secret.add,application.create");
	ASSERT_STR(tc_sql_text("SELECT string_agg(DISTINCT e->>'actor', ',') FROM jsonb_array_elements($1::jsonb) e", got),
		   manage_id);
	long newest = tc_sql_long("SELECT ($1::jsonb->0->>'id')::bigint", got, NULL, NULL);
	free(got);

	/* paging: limit and before */
	got = call(read_auth, "GET", tc_fmt(N "/audit?object_type=application&object_id=%ld&limit=1&before=%ld", app_id,
					    newest), NULL, 200, NULL);
	ASSERT_STR(tc_sql_text("SELECT string_agg(e->>'action', ',') FROM jsonb_array_elements($1::jsonb) e", got),
		   "application.secret.add");
	free(got);
	/* by actor: the read-only credential changed nothing; the manager made the app */
	free(call(read_auth, "GET", tc_fmt(N "/audit?object_type=application&actor=%s", read_id), NULL, 200, "[]"));
	got = call(read_auth, "GET", tc_fmt(N "/audit?object_type=application&object_id=%ld&actor=%s", app_id, manage_id),
		   NULL, 200, NULL);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT jsonb_array_length($1::jsonb)", got, NULL, NULL), 3);
	free(got);
	/* only this tenant's events, whatever the filter */
	got = call(read_auth, "GET", N "/audit?limit=200", NULL, 200, NULL);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM jsonb_array_elements($1::jsonb) e WHERE NOT EXISTS ("
				    "SELECT 1 FROM audit_events a JOIN tenants t ON t.id = a.tenant_id "
				    "WHERE a.id = (e->>'id')::bigint AND t.name = 'tenant-n')", got, NULL, NULL), 0);
	free(got);
	/* bad paging parameters */
	free(call(read_auth, "GET", N "/audit?limit=0", NULL, 400, "{\"field\":\"limit\",\"message\":"
		  "\"Must be an integer from 1 to 200\",\"statusCode\":400,\"name\":\"BadRequestError\"}"));
	free(call(read_auth, "GET", N "/audit?limit=201", NULL, 400, NULL));
	free(call(read_auth, "GET", N "/audit?before=-1", NULL, 400, "{\"field\":\"before\",\"message\":"
		  "\"Must be a positive integer\",\"statusCode\":400,\"name\":\"BadRequestError\"}"));
	free(call(NULL, "GET", N "/audit", NULL, 200, NULL));   /* the suite's own token: tenant-a */
	free(call("Authorization: Bearer nope", "GET", N "/audit", NULL, 401, NULL));
}

static void test_tenants(void)
{
	CU_ASSERT_FATAL(app_id > 0);
	/* another tenant's application is one that does not exist, on every route */
	free(call(other_auth, "GET", tc_fmt(N "/apps/%ld/secrets", app_id), NULL, 404, NOT_FOUND));
	free(call(other_auth, "POST", tc_fmt(N "/apps/%ld/secrets", app_id), NULL, 404, NOT_FOUND));
	char sid[64];
	snprintf(sid, sizeof(sid), "%s", secret_ids());
	free(call(other_auth, "DELETE", tc_fmt(N "/apps/%ld/secrets/%s", app_id, sid), NULL, 404, NOT_FOUND));
	ASSERT_STR(secret_ids(), sid);
	free(call(other_auth, "GET", tc_fmt(N "/audit?object_type=application&object_id=%ld", app_id), NULL, 200, "[]"));
	free(call(other_auth, "GET", tc_fmt(N "/audit?actor=%s", manage_id), NULL, 200, "[]"));
}

/* A server's key ring: none before its first use, then the current and the next key with
 * their states, times and the next rotation, exactly as the rows say; never key material.
 * Read All may read it; another tenant's server does not exist. */
static void test_server_keys(void)
{
	char *b = call(manage_auth, "POST", "/api/2/api_authorizations",
		       "{\"name\":\"keys\",\"configuration\":{\"resource_identifier\":\"urn:keys\",\"audiences\":[\"k\"]}}",
		       201, NULL);
	long id = 0;
	sscanf(b, "{\"id\":%ld", &id);
	free(b);
	CU_ASSERT_FATAL(id > 0);
	const char *path = tc_fmt(N "/servers/%ld/keys", id);
	free(call(read_auth, "GET", path, NULL, 200,
		  tc_fmt("{\"server_id\":%ld,\"keys\":[],\"next_rotation_at\":null,\"rotation_days\":90}", id)));
	/* the first JWKS request makes the ring: a current and a next key */
	struct http_resp r;
	tc_call(NULL, "GET", tc_fmt("/oauth2/%ld/v1/keys", id), NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	char sid[32];
	snprintf(sid, sizeof(sid), "%ld", id);
	const char *want = tc_sql_text(
		"SELECT format('{\"server_id\":%s,\"keys\":[%s],\"next_rotation_at\":\"%s\",\"rotation_days\":90}', $1::text, "
		"string_agg(format('{\"kid\":\"%s\",\"alg\":\"%s\",\"state\":\"%s\",\"published_at\":\"%s\","
		"\"signs_from\":\"%s\"}', k.kid, k.alg, CASE WHEN k.signs_from > now() THEN 'next' ELSE 'current' END, "
		ISO("k.published_at") ", " ISO("k.signs_from") "), ',' ORDER BY k.signs_from DESC), "
		"max(" ISO("k.signs_from") ")) "
		"FROM signing_keys k JOIN issuers i ON i.id = k.issuer_id WHERE i.server_id = $1::bigint", sid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	char *expect = strdup(want);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM signing_keys k JOIN issuers i ON i.id = k.issuer_id "
				    "WHERE i.server_id = $1::bigint", sid, NULL, NULL), 2);
	b = call(manage_auth, "GET", path, NULL, 200, expect);
	CU_ASSERT_PTR_NULL(strstr(b, "\"d\""));          /* no private JWK member */
	CU_ASSERT_PTR_NULL(strstr(b, "ciphertext"));
	free(b);
	free(expect);
	free(call(other_auth, "GET", path, NULL, 404, NOT_FOUND));
	free(call(manage_auth, "GET", N "/servers/999999999/keys", NULL, 404, NOT_FOUND));
	free(call(manage_auth, "GET", N "/servers/x/keys", NULL, 404, NOT_FOUND));
	free(call(manage_auth, "DELETE", path, NULL, 405, NULL));
}

/* POST body to the preview of server id as auth: its JSON (a new reference). */
static json_t *preview(const char *auth, long id, const char *body)
{
	char *b = call(auth, "POST", tc_fmt(N "/servers/%ld/token-preview", id), body, 200, NULL);
	json_t *j = json_loads(b, 0, NULL);
	free(b);
	CU_ASSERT_PTR_NOT_NULL(j);
	return j;
}

static void expect_refusal(long id, const char *body, const char *want)
{
	json_t *j = preview(read_auth, id, body), *w = json_loads(want, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	if (!json_equal(j, w)) {
		char *got = json_dumps(j, JSON_SORT_KEYS);
		fprintf(stderr, "\n    preview %s -> %s", body, got);
		free(got);
	}
	CU_ASSERT(json_equal(j, w));
	json_decref(j);
	json_decref(w);
}

/* The token preview says what the token endpoint does: the claims of a token it would issue
 * are those of one it really issues (iat, exp and jti apart), signed by the current key, and
 * each refusal is the endpoint's error. It writes nothing: no audit event, no secret's last
 * use, no count of issued tokens. */
static void test_token_preview(void)
{
	char *b = call(manage_auth, "POST", "/api/2/api_authorizations",
		       "{\"name\":\"preview\",\"configuration\":{\"resource_identifier\":\"urn:preview\","
		       "\"audiences\":[\"https://p1.example\",\"https://p2.example\"],\"access_token_expiration_minutes\":7}}",
		       201, NULL);
	long id = 0, s1 = 0, app = 0;
	sscanf(b, "{\"id\":%ld", &id);
	free(b);
	CU_ASSERT_FATAL(id > 0);
	b = call(manage_auth, "POST", tc_fmt("/api/2/api_authorizations/%ld/scopes", id),
		 "{\"value\":\"p:read\",\"description\":\"r\"}", 200, NULL);
	sscanf(b, "{\"id\":%ld", &s1);
	free(b);
	free(call(manage_auth, "POST", tc_fmt("/api/2/api_authorizations/%ld/scopes", id),
		  "{\"value\":\"p:write\",\"description\":\"w\"}", 200, NULL));
	b = call(manage_auth, "POST", "/api/2/apps", "{\"name\":\"Preview\"}", 201, NULL);
	json_t *a = json_loads(b, 0, NULL);
	free(b);
	app = (long)json_integer_value(json_object_get(a, "id"));
	char client[128], secret[128];
	snprintf(client, sizeof(client), "%s", json_string_value(json_object_get(json_object_get(a, "sso"), "client_id")));
	snprintf(secret, sizeof(secret), "%s",
		 json_string_value(json_object_get(json_object_get(a, "sso"), "client_secret")));
	json_decref(a);
	tc_remember_secret(secret);
	b = call(manage_auth, "POST", "/api/2/apps", "{\"name\":\"Unlinked\"}", 201, NULL);
	a = json_loads(b, 0, NULL);
	free(b);
	char unlinked[128];
	snprintf(unlinked, sizeof(unlinked), "%s",
		 json_string_value(json_object_get(json_object_get(a, "sso"), "client_id")));
	json_decref(a);

	/* not linked yet, then linked with p:read only */
	expect_refusal(id, tc_fmt("{\"client_id\":\"%s\"}", client),
		       "{\"issued\":false,\"status\":400,\"error\":\"unauthorized_client\","
		       "\"error_description\":\"the client is not linked to this authorization server\"}");
	free(call(manage_auth, "POST", tc_fmt("/api/2/api_authorizations/%ld/clients", id),
		  tc_fmt("{\"app_id\":%ld,\"scopes\":[%ld]}", app, s1), 201, NULL));

	/* a real token first (it also makes the ring), then the preview beside it */
	char pair[300], basic[500];
	snprintf(pair, sizeof(pair), "%s:%s", client, secret);
	snprintf(basic, sizeof(basic), "Authorization: Basic %s",
		 crypto_base64_encode(tests_arena, pair, strlen(pair), BASE64_STD));
	struct http_resp r;
	tc_call(NULL, "POST", tc_fmt("/oauth2/%ld/v1/token", id), "application/x-www-form-urlencoded",
		"grant_type=client_credentials", basic, &r);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	json_t *tok = json_loads(r.body, 0, NULL);
	tc_resp_free(&r);
	const char *jwt = json_string_value(json_object_get(tok, "access_token"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(jwt);
	tc_remember_secret(jwt);
	const char *dot1 = strchr(jwt, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(dot2);
	size_t hl, pl;
	unsigned char *hdr = crypto_base64_decode(tests_arena, jwt, (size_t)(dot1 - jwt), BASE64_URL, &hl);
	unsigned char *pay = crypto_base64_decode(tests_arena, dot1 + 1, (size_t)(dot2 - dot1 - 1), BASE64_URL, &pl);
	json_t *real_h = json_loads((const char *)hdr, 0, NULL), *real_c = json_loads((const char *)pay, 0, NULL);
	json_decref(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(real_c);

	char sid[32];
	snprintf(sid, sizeof(sid), "%ld", id);
	long audits = tc_sql_long("SELECT count(*) FROM audit_events", NULL, NULL, NULL);
	long failures = tc_sql_long("SELECT coalesce(sum(failures), 0) FROM login_failures", NULL, NULL, NULL);
	const char *used = tc_sql_text("SELECT coalesce(max(last_used_at)::text, '-') FROM application_secrets", NULL);
	char used0[64];
	snprintf(used0, sizeof(used0), "%s", used ? used : "");
	json_t *p = preview(read_auth, id, tc_fmt("{\"client_id\":\"%s\"}", client));
	CU_ASSERT(json_is_true(json_object_get(p, "issued")));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(p, "expires_in")), 7 * 60);
	json_t *ph = json_object_get(p, "header"), *pc = json_object_get(p, "claims");
	CU_ASSERT(json_equal(ph, real_h));           /* alg, typ at+jwt, the current kid */
	json_int_t iat = json_integer_value(json_object_get(pc, "iat"));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(pc, "exp")) - iat, 7 * 60);
	CU_ASSERT(json_is_string(json_object_get(pc, "jti")));
	const char *vary[] = { "iat", "exp", "jti" };
	for (size_t i = 0; i < 3; i++) {
		json_object_del(pc, vary[i]);
		json_object_del(real_c, vary[i]);
	}
	if (!json_equal(pc, real_c)) {
		char *x = json_dumps(pc, JSON_SORT_KEYS), *y = json_dumps(real_c, JSON_SORT_KEYS);
		fprintf(stderr, "\n    preview %s, token %s", x, y);
		free(x);
		free(y);
	}
	CU_ASSERT(json_equal(pc, real_c));           /* iss, sub, aud, client_id, scope */
	ASSERT_STR(json_string_value(json_object_get(pc, "scope")), "p:read");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(pc, "aud")), 2);
	json_decref(p);
	json_decref(real_h);
	json_decref(real_c);

	/* a resource picks the audience, as at the endpoint */
	p = preview(manage_auth, id, tc_fmt("{\"client_id\":\"%s\",\"resource\":\"https://p2.example\"}", client));
	ASSERT_STR(json_string_value(json_object_get(json_object_get(p, "claims"), "aud")), "https://p2.example");
	json_decref(p);
	/* each refusal is the endpoint's error */
	expect_refusal(id, tc_fmt("{\"client_id\":\"%s\",\"scope\":\"p:write\"}", client),
		       "{\"issued\":false,\"status\":400,\"error\":\"invalid_scope\","
		       "\"error_description\":\"scope p:write is not granted to this client\"}");
	expect_refusal(id, tc_fmt("{\"client_id\":\"%s\",\"resource\":\"urn:other\"}", client),
		       "{\"issued\":false,\"status\":400,\"error\":\"invalid_target\","
		       "\"error_description\":\"resource is not this authorization server's\"}");
	expect_refusal(id, "{\"client_id\":\"nobody\"}",
		       "{\"issued\":false,\"status\":401,\"error\":\"invalid_client\","
		       "\"error_description\":\"client authentication failed\"}");
	expect_refusal(id, tc_fmt("{\"client_id\":\"%s\"}", unlinked),
		       "{\"issued\":false,\"status\":400,\"error\":\"unauthorized_client\","
		       "\"error_description\":\"the client is not linked to this authorization server\"}");
	/* nothing written by the previews */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events", NULL, NULL, NULL), audits);
	used = tc_sql_text("SELECT coalesce(max(last_used_at)::text, '-') FROM application_secrets", NULL);
	ASSERT_STR(used ? used : "", used0);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT coalesce(sum(failures), 0) FROM login_failures", NULL, NULL, NULL), failures);
	/* bad input in OneLogin's words; another tenant's server does not exist */
	free(call(manage_auth, "POST", tc_fmt(N "/servers/%ld/token-preview", id), "{}", 400, NULL));
	free(call(manage_auth, "POST", tc_fmt(N "/servers/%ld/token-preview", id), "{\"client_id\":7}", 400, NULL));
	free(call(other_auth, "POST", tc_fmt(N "/servers/%ld/token-preview", id),
		  tc_fmt("{\"client_id\":\"%s\"}", client), 404, NOT_FOUND));
	free(call(manage_auth, "GET", tc_fmt(N "/servers/%ld/token-preview", id), NULL, 405, NULL));
}

void suite_http_native(void)
{
	static const struct test_case cases[] = {
		{ "me: the caller's credential, scopes and tenant", test_me },
		{ "secrets: listed, added once, retired, the last one kept", test_secrets },
		{ "audit trail: exact rows, newest first, filters, pages", test_audit },
		{ "server keys: states, times and the next rotation; no key material", test_server_keys },
		{ "token preview: the claims a real token has, or the endpoint's error; nothing written",
		  test_token_preview },
		{ "another tenant sees none of it", test_tenants },
		{ NULL, NULL },
	};
	tests_add_suite("authzd-native API (http)", init, tests_arena_cleanup, cases);
}

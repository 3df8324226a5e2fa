/* Management API security end to end: the three credential forms, wrong secrets and
 * throttling, expiry, revocation of tokens and credentials, scopes, tenant isolation on
 * every OneLogin route, and the audit trail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_client.h"
#include "suites.h"

#define BASE "/api/2/api_authorizations"
#define TOKEN_PATH "/auth/oauth2/v2/token"
#define SERVER_BODY "{\"name\":\"%s\",\"configuration\":{\"resource_identifier\":\"urn:sec\",\"audiences\":[\"a\"]}}"

static const char *const UNAUTHORIZED = "{\"message\":\"Unauthorized\",\"statusCode\":401,\"name\":\"UnauthorizedError\"}";
static const char *const FORBIDDEN = "{\"message\":\"Forbidden\",\"statusCode\":403,\"name\":\"ForbiddenError\"}";
static const char *const NOT_FOUND =
	"{\"message\":\"The resource with the given id could not be found\",\"statusCode\":404,\"name\":\"NotFoundError\"}";
static const char *const AUTH_FAILURE =
	"{\"status\":{\"error\":true,\"code\":401,\"type\":\"Unauthorized\",\"message\":\"Authentication Failure\"}}";

static char *admin_token;      /* the suite's default: tenant-a, Manage All */

static int init(void)
{
	admin_token = strdup(tc_current_token());
	return 0;
}

static int cleanup(void)
{
	tc_set_token(admin_token);
	free(admin_token);
	return 0;
}

/* Checks a token response body exactly, field by field. */
static void check_token_body(const char *body, long tenant_id)
{
	char token[65] = "", refresh[65] = "", created[32] = "";
	int expires = 0;
	long account = 0;
	int n = sscanf(body, "{\"access_token\":\"%64[0-9a-f]\",\"created_at\":\"%24[^\"]\",\"expires_in\":%d,"
			     "\"refresh_token\":\"%64[0-9a-f]\",\"token_type\":\"bearer\",\"account_id\":%ld}",
		       token, created, &expires, refresh, &account);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(strlen(token), 64);
	CU_ASSERT_EQUAL(strlen(refresh), 64);
	CU_ASSERT(strcmp(token, refresh) != 0);
	CU_ASSERT_EQUAL(strlen(created), 24);     /* 2026-11-22T20:16:41.475Z */
	CU_ASSERT_EQUAL(created[10], 'T');
	CU_ASSERT_EQUAL(created[23], 'Z');
	CU_ASSERT_EQUAL(expires, 36000);
	CU_ASSERT_EQUAL(account, tenant_id);
	tc_remember_secret(token);
	tc_remember_secret(refresh);
}

static void test_three_credential_forms(void)
{
	char id[33], secret[65], header[256], body[512];
	long tenant = 0;
	struct http_resp r;
	CU_ASSERT_FATAL(tc_make_credential("tenant-a", "Manage All", 0, id, secret, &tenant) == 0);
	tc_set_token(NULL);

	/* 1. Basic with a JSON body (fetch_token sends exactly that) */
	char *t = tc_fetch_token(id, secret);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	snprintf(header, sizeof(header), "Authorization: Bearer %s", t);
	tc_call(NULL, "GET", BASE, NULL, NULL, header, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	free(t);

	/* 2. OneLogin's own header: client_id:<id>, client_secret:<secret> */
	snprintf(header, sizeof(header), "Authorization: client_id:%s, client_secret:%s", id, secret);
	tc_call(NULL, "POST", TOKEN_PATH, "application/json", "{\"grant_type\":\"client_credentials\"}", header, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	check_token_body(r.body, tenant);
	ASSERT_STR(tc_header(&r, "Cache-Control"), "no-store");
	tc_resp_free(&r);

	/* 3. form fields */
	snprintf(body, sizeof(body), "grant_type=client_credentials&client_id=%s&client_secret=%s", id, secret);
	tc_call(NULL, "POST", TOKEN_PATH, "application/x-www-form-urlencoded", body, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	check_token_body(r.body, tenant);
	tc_resp_free(&r);

	/* ... and JSON fields */
	snprintf(body, sizeof(body), "{\"grant_type\":\"client_credentials\",\"client_id\":\"%s\",\"client_secret\":\"%s\"}", id, secret);
	tc_call(NULL, "POST", TOKEN_PATH, "application/json", body, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	check_token_body(r.body, tenant);
	tc_resp_free(&r);

	CU_ASSERT(tc_sql_long("SELECT count(*) FROM api_credentials WHERE client_id = $1 AND last_used_at IS NOT NULL",
			      id, NULL, NULL) == 1);
	CU_ASSERT(tc_sql_long("SELECT count(*) FROM audit_events e JOIN api_credentials c ON c.id = e.credential_id "
			      "WHERE c.client_id = $1 AND e.action = 'token.issue'", id, NULL, NULL) == 4);
	/* only hashes are stored */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM api_credentials WHERE encode(secret_hash, 'hex') = $1 "
				    "OR client_id = $1", secret, NULL, NULL), 0);
	tc_set_token(admin_token);
}

static void test_refusals_say_nothing(void)
{
	char id[33], secret[65], header[256], body[512];
	struct http_resp r;
	CU_ASSERT_FATAL(tc_make_credential("tenant-a", "Manage All", 0, id, secret, NULL) == 0);
	tc_set_token(NULL);
	static const char *const cases[] = {
		"{\"grant_type\":\"client_credentials\",\"client_id\":\"%s\",\"client_secret\":\"wrong\"}",
		"{\"grant_type\":\"client_credentials\",\"client_id\":\"0000%s\",\"client_secret\":\"wrong\"}",
		"{\"grant_type\":\"client_credentials\",\"client_id\":\"%s\"}",
		"{\"grant_type\":\"client_credentials\"}",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body), cases[i], id);
		TC_EXPECT("POST", TOKEN_PATH, body, 401, AUTH_FAILURE);
	}
	snprintf(header, sizeof(header), "Authorization: Basic %s", "!!notbase64!!");
	tc_call(NULL, "POST", TOKEN_PATH, "application/json", "{\"grant_type\":\"client_credentials\"}", header, &r);
	CU_ASSERT_EQUAL(r.status, 401);
	tc_resp_free(&r);

	snprintf(body, sizeof(body), "{\"grant_type\":\"password\",\"client_id\":\"%s\",\"client_secret\":\"%s\"}", id, secret);
	TC_EXPECT("POST", TOKEN_PATH, body, 400, "{\"status\":{\"error\":true,\"code\":400,\"type\":\"bad request\","
						 "\"message\":\"grant_type is incorrect/absent\"}}");
	TC_EXPECT("POST", TOKEN_PATH, "{\"grant_type\":", 400, NULL);
	tc_call(NULL, "GET", TOKEN_PATH, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 405);
	ASSERT_STR(tc_header(&r, "Allow"), "POST");
	tc_resp_free(&r);
	/* the failed logins are in the audit trail, without any secret */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events WHERE action = 'login.failed' AND object_id = $1",
				    id, NULL, NULL), 2);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events e JOIN api_credentials c ON c.id = e.credential_id"
				    " WHERE e.action = 'login.failed' AND c.client_id = $1 AND e.tenant_id = c.tenant_id",
				    id, NULL, NULL), 2);
	tc_set_token(admin_token);
}

static void test_repeated_failures_throttled(void)
{
	char id[33], secret[65], body[512];
	struct http_resp r;
	CU_ASSERT_FATAL(tc_make_credential("tenant-a", "Manage All", 0, id, secret, NULL) == 0);
	tc_set_token(NULL);
	for (int i = 0; i < 10; i++) {
		snprintf(body, sizeof(body), "grant_type=client_credentials&client_id=%s&client_secret=nope%d", id, i);
		tc_call(NULL, "POST", TOKEN_PATH, "application/x-www-form-urlencoded", body, NULL, &r);
		CU_ASSERT_EQUAL(r.status, 401);
		tc_resp_free(&r);
	}
	/* even the right secret is refused now, and nothing says why beyond "slow down" */
	snprintf(body, sizeof(body), "grant_type=client_credentials&client_id=%s&client_secret=%s", id, secret);
	tc_call(NULL, "POST", TOKEN_PATH, "application/x-www-form-urlencoded", body, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 429);
	ASSERT_STR(r.body, "{\"status\":{\"error\":true,\"code\":429,\"type\":\"too many requests\",\"message\":\"Too Many Requests\"}}");
	const char *ra = tc_header(&r, "Retry-After");
	CU_ASSERT_PTR_NOT_NULL(ra);
	if (ra != NULL)
		CU_ASSERT(atoi(ra) >= 1 && atoi(ra) <= 60);
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT failures FROM login_failures WHERE kind = 'credential' AND subject = $1", id, NULL, NULL), 10);
	/* once the window is over the right secret works and the counter is cleared */
	tc_sql_long("UPDATE login_failures SET window_started_at = now() - interval '61 seconds' "
		    "WHERE kind = 'credential' AND subject = $1 RETURNING 1", id, NULL, NULL);
	tc_call(NULL, "POST", TOKEN_PATH, "application/x-www-form-urlencoded", body, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	if (r.status == 200)
		check_token_body(r.body, tc_sql_long("SELECT tenant_id FROM api_credentials WHERE client_id = $1", id, NULL, NULL));
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM login_failures WHERE kind = 'credential' AND subject = $1", id, NULL, NULL), 0);
	tc_set_token(admin_token);
}

static long status_with(const char *token, const char *method, const char *path, const char *body,
			char **out_body)
{
	struct http_resp r;
	char header[128];
	snprintf(header, sizeof(header), "Authorization: Bearer %s", token);
	tc_call(NULL, method, path, body ? "application/json" : NULL, body, header, &r);
	if (out_body != NULL)
		*out_body = strdup(r.body);
	tc_resp_free(&r);
	return r.status;
}

/* A token of a new credential of tenant with scope whose tokens live ttl seconds (0: the
 * default); the credential's id and secret in id[33] and secret[65] when given. The caller
 * frees the token. */
static char *token_for(const char *tenant, const char *scope, int ttl, char *id, char *secret)
{
	char my_id[33], my_secret[65];
	id = id ? id : my_id;
	secret = secret ? secret : my_secret;
	CU_ASSERT_FATAL(tc_make_credential(tenant, scope, ttl, id, secret, NULL) == 0);
	char *t = tc_fetch_token(id, secret);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

static void test_expired_token(void)
{
	/* this credential's tokens live one second: the short lifetime of the test */
	char *t = token_for("tenant-a", "Manage All", 1, NULL, NULL);
	CU_ASSERT_EQUAL(status_with(t, "GET", BASE, NULL, NULL), 200);
	tc_sleep_ms(1300);
	char *body = NULL;
	CU_ASSERT_EQUAL(status_with(t, "GET", BASE, NULL, &body), 401);
	ASSERT_STR(body, UNAUTHORIZED);
	free(body);
	free(t);
}

static void test_revoked_token(void)
{
	char id[33], secret[65], header[256], body[256];
	struct http_resp r;
	CU_ASSERT_FATAL(tc_make_credential("tenant-a", "Manage All", 0, id, secret, NULL) == 0);
	char *t = tc_fetch_token(id, secret);
	char *other = tc_fetch_token(id, secret);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(status_with(t, "GET", BASE, NULL, NULL), 200);

	snprintf(header, sizeof(header), "Authorization: client_id:%s, client_secret:%s", id, secret);
	snprintf(body, sizeof(body), "{\"access_token\":\"%s\"}", t);
	tc_call(NULL, "POST", "/auth/oauth2/revoke", "application/json", body, header, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	ASSERT_STR(r.body, "{\"status\":{\"error\":false,\"code\":200,\"type\":\"success\",\"message\":\"Success\"}}");
	tc_resp_free(&r);
	char *resp = NULL;
	CU_ASSERT_EQUAL(status_with(t, "GET", BASE, NULL, &resp), 401);
	ASSERT_STR(resp, UNAUTHORIZED);
	free(resp);
	/* whatever else is wrong with the request, a dead token is what it hears about */
	CU_ASSERT_EQUAL(status_with(t, "POST", BASE, "{\"name\":\"\"}", &resp), 401);
	ASSERT_STR(resp, UNAUTHORIZED);
	free(resp);
	CU_ASSERT_EQUAL(status_with(t, "POST", BASE, "not json", &resp), 401);
	free(resp);
	/* the credential's other token is untouched */
	CU_ASSERT_EQUAL(status_with(other, "GET", BASE, NULL, NULL), 200);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events e JOIN api_credentials c ON c.id = e.credential_id"
				    " WHERE c.client_id = $1 AND e.action = 'token.revoke'", id, NULL, NULL), 1);

	tc_call(NULL, "POST", "/auth/oauth2/revoke", "application/json", "{}", header, &r);
	CU_ASSERT_EQUAL(r.status, 400);
	ASSERT_STR(r.body, "{\"status\":{\"error\":true,\"code\":400,\"type\":\"bad request\",\"message\":\"Access Token Missing\"}}");
	tc_resp_free(&r);
	tc_call(NULL, "POST", "/auth/oauth2/revoke", "application/json", body,
		"Authorization: client_id:nobody, client_secret:nothing", &r);
	CU_ASSERT_EQUAL(r.status, 401);
	ASSERT_STR(r.body, AUTH_FAILURE);
	tc_resp_free(&r);
	free(t);
	free(other);
}

static void test_revoked_credential(void)
{
	char id[33], secret[65];
	char *t = token_for("tenant-a", "Manage All", 0, id, secret);
	CU_ASSERT_EQUAL(status_with(t, "GET", BASE, NULL, NULL), 200);
	/* what `authzctl credentials revoke` runs */
	CU_ASSERT_EQUAL(tc_sql_long("UPDATE api_credentials SET revoked_at = now() WHERE client_id = $1 RETURNING 1",
				    id, NULL, NULL), 1);
	CU_ASSERT_EQUAL(status_with(t, "GET", BASE, NULL, NULL), 401);
	char *again = tc_fetch_token(id, secret);
	CU_ASSERT_PTR_NULL(again);
	free(again);
	free(t);
}

static void test_bearer_spellings_and_garbage(void)
{
	struct http_resp r;
	char header[160];
	const char *t = admin_token;
	static const char *const schemes[] = { "bearer", "Bearer", "BEARER" };
	for (int i = 0; i < 3; i++) {
		snprintf(header, sizeof(header), "Authorization: %s %s", schemes[i], t);
		tc_call(NULL, "GET", BASE, NULL, NULL, header, &r);
		CU_ASSERT_EQUAL(r.status, 200);
		tc_resp_free(&r);
	}
	static const char *const bad[] = {
		"Authorization: Bearer", "Authorization: Bearer abc", "Authorization: Basic Zm9vOmJhcg==",
		"Authorization: Bearer 0000000000000000000000000000000000000000000000000000000000000000",
		"Authorization: Bearer ZZZZ000000000000000000000000000000000000000000000000000000000000",
		"X-Nothing: 1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tc_set_token(NULL);
		tc_call(NULL, "GET", BASE "/1", NULL, NULL, bad[i], &r);
		CU_ASSERT_EQUAL(r.status, 401);
		ASSERT_STR(r.body, UNAUTHORIZED);
		ASSERT_STR(tc_header(&r, "WWW-Authenticate"), "Bearer");
		tc_resp_free(&r);
	}
	tc_set_token(admin_token);
}

/* The admin creates a server from body; path gets its URL (64 bytes). */
static long admin_server(const char *body, char *path)
{
	char *created = NULL;
	CU_ASSERT_EQUAL(status_with(admin_token, "POST", BASE, body, &created), 201);
	long sid = 0;
	sscanf(created ? created : "", "{\"id\":%ld}", &sid);
	free(created);
	snprintf(path, 64, BASE "/%ld", sid);
	return sid;
}

static void test_read_all_cannot_write(void)
{
	char body[256], path[64];
	char *t = token_for("tenant-a", "Read All", 0, NULL, NULL);
	snprintf(body, sizeof(body), SERVER_BODY, "scoped");
	long sid = admin_server(body, path);
	long before = tc_sql_long("SELECT count(*) FROM servers", NULL, NULL, NULL);

	CU_ASSERT_EQUAL(status_with(t, "GET", BASE, NULL, NULL), 200);
	CU_ASSERT_EQUAL(status_with(t, "GET", path, NULL, NULL), 200);
	char *resp = NULL;
	CU_ASSERT_EQUAL(status_with(t, "POST", BASE, body, &resp), 403);
	ASSERT_STR(resp, FORBIDDEN);
	free(resp);
	CU_ASSERT_EQUAL(status_with(t, "PUT", path, body, NULL), 403);
	CU_ASSERT_EQUAL(status_with(t, "DELETE", path, NULL, NULL), 403);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers", NULL, NULL, NULL), before);
	char ids[32];
	snprintf(ids, sizeof(ids), "%ld", sid);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT version FROM servers WHERE id = $1", ids, NULL, NULL), 1);
	free(t);
}

/* Tenant B sees nothing of tenant A: every route answers exactly as for a missing id. */
static void test_tenants_isolated(void)
{
	char body[256], path[64], ids[32];
	char *b = token_for("tenant-b", "Manage All", 0, NULL, NULL);
	snprintf(body, sizeof(body), SERVER_BODY, "tenant a private");
	long sid = admin_server(body, path);
	snprintf(ids, sizeof(ids), "%ld", sid);

	char *resp = NULL;
	CU_ASSERT_EQUAL(status_with(b, "GET", path, NULL, &resp), 404);
	ASSERT_STR(resp, NOT_FOUND);
	free(resp);
	CU_ASSERT_EQUAL(status_with(b, "PUT", path, body, &resp), 404);
	ASSERT_STR(resp, NOT_FOUND);
	free(resp);
	CU_ASSERT_EQUAL(status_with(b, "DELETE", path, NULL, &resp), 404);
	ASSERT_STR(resp, NOT_FOUND);
	free(resp);
	CU_ASSERT_EQUAL(status_with(b, "GET", BASE "?name=private", NULL, &resp), 200);
	ASSERT_STR(resp, "[]");
	free(resp);
	/* B's own server is B's alone, and A's list does not show it */
	snprintf(body, sizeof(body), SERVER_BODY, "tenant b private");
	CU_ASSERT_EQUAL(status_with(b, "POST", BASE, body, NULL), 201);
	CU_ASSERT_EQUAL(status_with(admin_token, "GET", BASE "?name=tenant%20b", NULL, &resp), 200);
	ASSERT_STR(resp, "[]");
	free(resp);
	CU_ASSERT_EQUAL(status_with(admin_token, "GET", path, NULL, NULL), 200);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT version FROM servers WHERE id = $1", ids, NULL, NULL), 1);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers s JOIN tenants t ON t.id = s.tenant_id "
				    "WHERE t.name = 'tenant-b' AND s.name = 'tenant b private'", NULL, NULL, NULL), 1);
	free(b);
}

static void test_audit_trail(void)
{
	char body[256], path[64], ids[32];
	snprintf(body, sizeof(body), SERVER_BODY, "audited");
	long sid = admin_server(body, path);
	snprintf(ids, sizeof(ids), "%ld", sid);
	CU_ASSERT_EQUAL(status_with(admin_token, "PUT", path,
				    "{\"name\":\"audited 2\",\"description\":\"d\",\"configuration\":{\"resource_identifier\":"
				    "\"urn:sec\",\"audiences\":[\"a\",\"b\"]}}", NULL), 200);
	/* a refused write leaves no event */
	CU_ASSERT_EQUAL(status_with(admin_token, "PUT", path, "{\"name\":\"\",\"configuration\":{}}", NULL), 422);
	CU_ASSERT_EQUAL(status_with(admin_token, "DELETE", path, NULL, NULL), 204);

	ASSERT_STR(tc_sql_text("SELECT string_agg(action, ',' ORDER BY id) FROM audit_events "
			       "WHERE object_type = 'server' AND object_id = $1", ids),
		   "server.create,server.update,server.delete");
	ASSERT_STR(tc_sql_text("SELECT after::text FROM audit_events WHERE action = 'server.create' AND object_id = $1", ids),
		   "{\"name\": \"audited\", \"audiences\": [\"a\"], \"description\": null, \"resource_identifier\": \"urn:sec\", "
		   "\"access_token_expiration_minutes\": 10, \"refresh_token_expiration_minutes\": 30}");
	ASSERT_STR(tc_sql_text("SELECT before::text || ' -> ' || after::text FROM audit_events "
			       "WHERE action = 'server.update' AND object_id = $1", ids),
		   "{\"name\": \"audited\", \"audiences\": [\"a\"], \"description\": null} -> "
		   "{\"name\": \"audited 2\", \"audiences\": [\"a\", \"b\"], \"description\": \"d\"}");
	ASSERT_STR(tc_sql_text("SELECT (before->>'name') || '|' || (after IS NULL)::text FROM audit_events "
			       "WHERE action = 'server.delete' AND object_id = $1", ids), "audited 2|true");
	/* who and where: the caller's tenant and credential on every event */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events e JOIN tenants t ON t.id = e.tenant_id "
				    "WHERE e.object_id = $1 AND e.object_type = 'server' AND t.name = 'tenant-a' "
				    "AND e.credential_id IS NOT NULL AND e.occurred_at <= now()", ids, NULL, NULL), 3);
	/* append-only, for the application's role too */
	CU_ASSERT_EQUAL(tc_sql_long("UPDATE audit_events SET action = 'x' WHERE object_id = $1 RETURNING 1", ids, NULL, NULL), -1);
	CU_ASSERT_EQUAL(tc_sql_long("DELETE FROM audit_events WHERE object_id = $1 RETURNING 1", ids, NULL, NULL), -1);
	CU_ASSERT_EQUAL(tc_sql_exec("TRUNCATE audit_events"), -1);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events WHERE object_id = $1", ids, NULL, NULL), 3);
	/* no event carries a secret or a token */
	for (const char *const *s = tc_secrets_seen(); *s != NULL; s++)
		CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events WHERE strpos(concat_ws(' ', object_id, "
					    "before::text, after::text), $1) > 0", *s, NULL, NULL), 0);
}

void suite_http_security(void)
{
	static const struct test_case cases[] = {
		{ "token: Basic, client_id/client_secret header, form and JSON fields", test_three_credential_forms },
		{ "token: wrong secret, unknown client, bad grant say nothing more", test_refusals_say_nothing },
		{ "token: repeated failures answer 429 with Retry-After", test_repeated_failures_throttled },
		{ "an expired token is refused", test_expired_token },
		{ "a revoked token is refused at once", test_revoked_token },
		{ "a revoked credential's tokens are refused at once", test_revoked_credential },
		{ "bearer spellings; missing or malformed tokens are 401", test_bearer_spellings_and_garbage },
		{ "Read All reads but cannot write (403)", test_read_all_cannot_write },
		{ "tenants are isolated on every route", test_tenants_isolated },
		{ "every write is audited; the trail is append-only", test_audit_trail },
		{ NULL, NULL },
	};
	tests_add_suite("management security (http)", init, cleanup, cases);
}

/* Runs last: nothing the run handled may appear in a log. */
static void test_no_secret_in_logs(void)
{
	const char *log = getenv("AUTHZD_LOG_FILE");
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	char access[1024];
	snprintf(access, sizeof(access), "%.*s/nginx-access.log", (int)(strrchr(log, '/') - log), log);
	const char *files[] = { log, access };
	int checked = 0;
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "r");
		if (f == NULL)
			continue;
		checked++;
		char line[8192];
		while (fgets(line, sizeof(line), f) != NULL)
			for (const char *const *s = tc_secrets_seen(); *s != NULL; s++)
				if (strstr(line, *s) != NULL) {
					fprintf(stderr, "\n    %s has a secret or token: %s", files[i], line);
					CU_FAIL("secret in log");
				}
		fclose(f);
	}
	CU_ASSERT(checked >= 1);
	CU_ASSERT(tc_secrets_seen()[0] != NULL);
}

void suite_http_logs(void)
{
	static const struct test_case cases[] = {
		{ "no secret or token appears in the logs", test_no_secret_in_logs },
		{ NULL, NULL },
	};
	tests_add_suite("logs (http)", NULL, NULL, cases);
}

/* Venafi TPP end to end: every /vedsdk/oauth operation and result code, and the /vedauth
 * password grant, verify, refresh rotation and revocation, with the rows behind them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "authn/password.h"
#include "db/db.h"
#include "db/db_admin.h"
#include "http_client.h"
#include "suites.h"

#define SDK "/vedsdk/oauth/"
static const char *const INVALID_TOKEN =
	"{\"error\":\"invalid_token\",\"error_description\":\"The access token is missing, malformed, expired or revoked\"}";
static const char *const BAD_PASSWORD =
	"{\"error\":\"invalid_grant\",\"error_description\":\"Username/password combination not valid\"}";

static long call(const char *method, const char *path, const char *body, const char *extra, char **out)
{
	struct http_resp r;
	tc_call(NULL, method, path, body ? "application/json" : NULL, body, extra, &r);
	if (out != NULL)
		*out = strdup(r.body);
	tc_resp_free(&r);
	return r.status;
}

static void expect(const char *method, const char *path, const char *body, const char *extra, long status,
		   const char *want)
{
	char *got = NULL;
	long s = call(method, path, body, extra, &got);
	if (s != status)
		fprintf(stderr, "\n    %s %s -> %ld %s", method, path, s, got);
	CU_ASSERT_EQUAL(s, status);
	if (want != NULL)
		ASSERT_STR(got, want);
	free(got);
}

/* What `authzctl identities create` does. */
static void make_identity(const char *tenant, const char *user, const char *password, const char *max)
{
	struct db *db = db_open(getenv("AUTHZD_DATABASE_URL"));
	arena_t *a = arena_create(0);
	const char *universal;
	CU_ASSERT_EQUAL(db_identity_create(db, a, tenant, user, password_hash(a, password), max, &universal), ST_OK);
	tc_remember_secret(password);
	arena_destroy(a);
	db_close(db);
}

/* A /vedauth token; returns the response body (caller frees) and fills the token. */
static long get_token(const char *client, const char *user, const char *password, const char *scope,
		      char token[65], char refresh[65], char **body)
{
	char *got = NULL;
	long s = call("POST", "/vedauth/authorize/oauth",
		      tc_fmt("{\"client_id\":\"%s\",\"username\":\"%s\",\"password\":\"%s\",\"scope\":\"%s\"}",
			  client, user, password, scope), "Authorization:", &got);
	const char *p;
	if (token != NULL) {
		token[0] = '\0';
		if ((p = strstr(got, "\"access_token\":\"")) != NULL) {
			snprintf(token, 65, "%.64s", p + 16);
			tc_remember_secret(token);
		}
	}
	if (refresh != NULL) {
		refresh[0] = '\0';
		if ((p = strstr(got, "\"refresh_token\":\"")) != NULL) {
			snprintf(refresh, 65, "%.64s", p + 17);
			tc_remember_secret(refresh);
		}
	}
	if (body != NULL)
		*body = got;
	else
		free(got);
	return s;
}

/* /vedauth belongs to the tenant that claims the request's host: tenant-a claims
 * tenant-a.test for this suite. */
static int init(void)
{
	tc_set_host("tenant-a.test");
	return tc_sql_exec("DELETE FROM applications WHERE client_id LIKE 'v-%' OR client_id = 'NewApplicationID'") ||
	       tc_sql_exec("INSERT INTO tenant_hosts (host, tenant_id) SELECT 'tenant-a.test', id FROM tenants "
			   "WHERE name = 'tenant-a' ON CONFLICT DO NOTHING");
}

static int cleanup(void)
{
	tc_set_host(NULL);
	return 0;
}

static void test_create_as_the_seed(void)
{
	/* the seed's request, sent in lowercase as pyVenafi does, with MaxScope */
	expect("POST", SDK "createapplication", "{ \"ApplicationId\": \"NewApplicationID\", \"Scope\": \"certificate\", "
	       "\"MaxScope\": \"admin\", \"Name\": \"Name of the new application\", \"Vendor\": \"My Company, LLC\", "
	       "\"Description\": \"This is the application description.\", \"Url\": \"help.sample-url.com\" }", NULL, 200,
	       "{\"Application\":{\"AccessValidity\":3600,\"Description\":\"This is the application description.\","
	       "\"GrantCount\":0,\"GrantValidity\":7776000,\"ID\":\"NewApplicationID\",\"MaximumScope\":\"admin\","
	       "\"Name\":\"Name of the new application\",\"Renewable\":false,\"Scope\":\"certificate\",\"Url\":"
	       "\"help.sample-url.com\",\"Vendor\":\"My Company, LLC\"},\"Result\":0,\"Success\":true}");
	ASSERT_STR(tc_sql_text("SELECT concat_ws('|', name, scope, maximum_scope, vendor, access_validity_seconds, renewable) "
			       "FROM applications WHERE client_id = $1", "NewApplicationID"),
		   "Name of the new application|certificate|admin|My Company, LLC|3600|f");
	expect("POST", SDK "CreateApplication", "{\"ApplicationId\":\"NewApplicationID\",\"Scope\":\"certificate\",\"Name\":\"x\"}",
	       NULL, 200, "{\"Error\":\"An application with ApplicationId 'NewApplicationID' already exists\",\"Result\":1,"
	       "\"Success\":false}");
	expect("POST", SDK "CreateApplication", "{\"Scope\":\"certificate\",\"Name\":\"x\"}", NULL, 200,
	       "{\"Error\":\"ApplicationId is required\",\"Result\":6,\"Success\":false}");
	expect("POST", SDK "CreateApplication", "{\"ApplicationId\":\"v-x\",\"Scope\":\"certificate\",\"Name\":\"x\","
	       "\"AccessValidity\":\"long\"}", NULL, 200,
	       "{\"Error\":\"AccessValidity must be an integer from 1 to 31536000\",\"Result\":6,\"Success\":false}");
	expect("POST", SDK "CreateApplication", "{\"ApplicationId\":\"v-x\",\"Scope\":\"certificate:fly\",\"Name\":\"x\"}",
	       NULL, 200, "{\"Error\":\"Unknown restriction 'fly' for scope 'certificate'\",\"Result\":17,\"Success\":false}");
	expect("POST", SDK "CreateApplication", "{\"ApplicationId\":\"v-x\",\"Scope\":\"certificate\",\"MaximumScope\":"
	       "\"wizard\",\"Name\":\"x\"}", NULL, 200, "{\"Error\":\"Unknown scope 'wizard'\",\"Result\":17,\"Success\":false}");
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM applications WHERE client_id = 'v-x'", NULL, NULL, NULL), 0);
}

static void test_read_update_enumerate(void)
{
	expect("POST", SDK "CreateApplication", "{\"ApplicationId\":\"v-beta\",\"Scope\":\"ssh:manage\",\"Name\":\"Beta\","
	       "\"Vendor\":\"Zeta\",\"AccessValidity\":60}", NULL, 200, NULL);
	expect("POST", SDK "CreateApplication", "{\"ApplicationId\":\"v-alpha\",\"Scope\":\"certificate\",\"Name\":\"alpha\","
	       "\"Vendor\":\"Acme\",\"AccessValidity\":120}", NULL, 200, NULL);
	expect("POST", SDK "GetApplication", "{\"ApplicationId\":\"v-beta\"}", NULL, 200,
	       "{\"Application\":{\"AccessValidity\":60,\"Description\":null,\"GrantCount\":0,\"GrantValidity\":7776000,"
	       "\"ID\":\"v-beta\",\"MaximumScope\":\"ssh:manage\",\"Name\":\"Beta\",\"Renewable\":false,\"Scope\":\"ssh:manage\","
	       "\"Url\":null,\"Vendor\":\"Zeta\"},\"Result\":0,\"Success\":true}");
	expect("POST", SDK "GetApplication", "{\"ApplicationId\":\"v-none\"}", NULL, 200,
	       "{\"Error\":\"Application 'v-none' was not found\",\"Result\":2,\"Success\":false}");
	char *got = NULL;
	call("POST", SDK "GetApplications", "{\"ApplicationIds\":[\"v-alpha\",\"v-none\",\"v-beta\"]}", NULL, &got);
	const char *a = strstr(got, "\"ID\":\"v-alpha\""), *b = strstr(got, "\"ID\":\"v-beta\"");
	CU_ASSERT(a != NULL && b != NULL && a < b);
	CU_ASSERT_PTR_NULL(strstr(got, "v-none"));
	free(got);
	/* OrderBy 1 name (case-insensitive), 2 vendor, 3 access validity; Descending; Start/Count */
	static const struct {
		const char *body, *first, *second;
	} orders[] = {
		{ "{\"Start\":0,\"Count\":1000,\"OrderBy\":1}", "v-alpha", "v-beta" },
		{ "{\"Start\":0,\"Count\":1000,\"OrderBy\":1,\"Descending\":true}", "v-beta", "v-alpha" },
		{ "{\"Start\":0,\"Count\":1000,\"OrderBy\":2}", "v-alpha", "v-beta" },
		{ "{\"Start\":0,\"Count\":1000,\"OrderBy\":3,\"Descending\":true}", "v-alpha", "v-beta" },
		{ "{\"Start\":0,\"Count\":1000,\"OrderBy\":3}", "v-beta", "v-alpha" },
	};
	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		call("POST", SDK "EnumerateApplications", orders[i].body, NULL, &got);
		const char *x = strstr(got, tc_fmt("\"ID\":\"%s\"", orders[i].first));
		const char *y = strstr(got, tc_fmt("\"ID\":\"%s\"", orders[i].second));
		CU_ASSERT(x != NULL && y != NULL && x < y);
		free(got);
	}
	long total = tc_sql_long("SELECT count(*) FROM applications a JOIN tenants t ON t.id = a.tenant_id "
				 "WHERE t.name = 'tenant-a'", NULL, NULL, NULL);
	call("POST", SDK "EnumerateApplications", tc_fmt("{\"Start\":%ld,\"Count\":5}", total - 1), NULL, &got);
	long n = 0;
	for (const char *p = got; (p = strstr(p, "\"ID\":")) != NULL; p++)
		n++;
	CU_ASSERT_EQUAL(n, 1);
	free(got);
	expect("POST", SDK "EnumerateApplications", "{\"Start\":0}", NULL, 200,
	       "{\"Error\":\"Count is required\",\"Result\":6,\"Success\":false}");

	/* UpdateApplication replaces the whole record */
	expect("POST", SDK "UpdateApplication", "{\"Application\":{\"ID\":\"v-beta\",\"Name\":\"Beta 2\",\"Scope\":"
	       "\"ssh\",\"MaximumScope\":\"ssh:manage,approve\",\"Renewable\":true,\"GrantValidity\":600}}", NULL, 200,
	       "{\"Result\":0,\"Success\":true}");
	ASSERT_STR(tc_sql_text("SELECT concat_ws('|', name, scope, maximum_scope, coalesce(vendor, '-'), "
			       "access_validity_seconds, grant_validity_seconds, renewable) FROM applications "
			       "WHERE client_id = $1", "v-beta"), "Beta 2|ssh|ssh:approve,manage|-|3600|600|t");
	expect("POST", SDK "UpdateApplication", "{\"Application\":{\"ID\":\"v-none\",\"Name\":\"n\",\"Scope\":\"ssh\"}}",
	       NULL, 200, "{\"Error\":\"Application 'v-none' was not found\",\"Result\":2,\"Success\":false}");
	expect("POST", SDK "UpdateApplication", "{\"ID\":\"v-beta\"}", NULL, 200,
	       "{\"Error\":\"Application must be an object\",\"Result\":6,\"Success\":false}");
}

static void test_transport_errors(void)
{
	expect("POST", SDK "FlyToTheMoon", "{}", NULL, 404,
	       "{\"error\":\"invalid_request\",\"error_description\":\"Unknown operation 'FlyToTheMoon'\"}");
	char *got = NULL;
	CU_ASSERT_EQUAL(call("POST", SDK "GetApplication", "{\"ApplicationId\":", NULL, &got), 400);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "{\"error\":\"invalid_request\",\"error_description\":\"Malformed JSON"));
	free(got);
	expect("POST", SDK "GetScopes", "{}", "Authorization: Bearer 00", 401, INVALID_TOKEN);
	char id[33], secret[65];
	CU_ASSERT_FATAL(tc_make_credential("tenant-a", "Read All", 0, id, secret, NULL) == 0);
	char *reader = tc_fetch_token(id, secret);
	expect("POST", SDK "GetScopes", "{}", tc_fmt("Authorization: Bearer %s", reader), 403,
	       "{\"error\":\"insufficient_scope\",\"error_description\":\"The access token does not carry the admin scope\"}");
	free(reader);
	expect("GET", SDK "GetScopes", NULL, NULL, 405, NULL);
	call("POST", SDK "GetScopes", NULL, NULL, &got);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "{\"Scopes\":[{\"Scope\":\"admin\",\"RestrictionList\":[\"grantrights\",\"viewlogs\"]},"
					   "{\"Scope\":\"agent\",\"RestrictionList\":[\"delete\"]},{\"Scope\":\"certificate\","
					   "\"RestrictionList\":[\"approve\",\"delete\",\"discover\",\"manage\",\"revoke\"]}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "],\"Result\":0,\"Success\":true}"));
	free(got);
}

static void test_password_grant(void)
{
	make_identity("tenant-a", "alice", "alice-pass-1", "admin;certificate:manage,revoke;ssh");
	make_identity("tenant-a", "bob", "bob-pass-1", "certificate");
	expect("POST", SDK "CreateApplication", "{\"ApplicationId\":\"v-app\",\"Scope\":\"certificate:manage\","
	       "\"MaximumScope\":\"admin\",\"Name\":\"App\",\"Renewable\":true}", NULL, 200, NULL);
	char token[65], refresh[65], *body = NULL;
	CU_ASSERT_EQUAL(get_token("v-app", "alice", "alice-pass-1", "certificate:manage", token, refresh, &body), 200);
	const char *universal = tc_sql_text("SELECT 'local:{' || universal || '}' FROM identities WHERE username = $1", "alice");
	CU_ASSERT_PTR_NOT_NULL_FATAL(universal);
	char uni[64];
	snprintf(uni, sizeof(uni), "%s", universal);
	long expires = 0, expires_in = 0, until = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	const char *p = strstr(body, "\"expires\":");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	sscanf(p, "\"expires\":%ld,\"expires_in\":%ld", &expires, &expires_in);
	CU_ASSERT_EQUAL(expires_in, 3600);
	CU_ASSERT(labs(expires - (long)time(NULL) - 3600) <= 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(body, tc_fmt("\"identity\":\"%s\"", uni)));
	p = strstr(body, "\"refresh_until\":");
	CU_ASSERT(p != NULL && sscanf(p, "\"refresh_until\":%ld", &until) == 1 && until > expires);
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "\"scope\":\"certificate:manage\",\"token_type\":\"Bearer\"}"));
	free(body);

	/* the failures: each with its OAuth error */
	expect("POST", "/vedauth/authorize/oauth", "{\"client_id\":\"v-app\",\"username\":\"alice\",\"password\":\"nope\","
	       "\"scope\":\"certificate\"}", NULL, 400, BAD_PASSWORD);
	expect("POST", "/vedauth/authorize/oauth", "{\"client_id\":\"v-app\",\"username\":\"mallory\",\"password\":\"x\","
	       "\"scope\":\"certificate\"}", NULL, 400, BAD_PASSWORD);
	expect("POST", "/vedauth/authorize/oauth", "{\"client_id\":\"v-nothing\",\"username\":\"alice\",\"password\":"
	       "\"alice-pass-1\",\"scope\":\"certificate\"}", NULL, 400,
	       "{\"error\":\"unauthorized_client\",\"error_description\":\"The client_id is not a registered application\"}");
	expect("POST", "/vedauth/authorize/oauth", "{\"client_id\":\"v-app\",\"username\":\"alice\",\"password\":"
	       "\"alice-pass-1\",\"scope\":\"ssh\"}", NULL, 400,
	       "{\"error\":\"invalid_scope\",\"error_description\":\"The scope is outside what the application allows\"}");
	expect("POST", "/vedauth/authorize/oauth", "{\"client_id\":\"v-app\",\"username\":\"alice\",\"password\":"
	       "\"alice-pass-1\",\"scope\":\"certificate:manage,fly\"}", NULL, 400,
	       "{\"error\":\"invalid_scope\",\"error_description\":\"Unknown restriction 'fly' for scope 'certificate'\"}");
	expect("POST", "/vedauth/authorize/oauth", "{\"client_id\":\"v-app\",\"username\":\"bob\",\"password\":"
	       "\"bob-pass-1\",\"scope\":\"certificate:manage\"}", NULL, 400,
	       "{\"error\":\"unauthorized_client\",\"error_description\":\"The identity may not be granted this scope\"}");
	expect("POST", "/vedauth/authorize/oauth", "{\"client_id\":\"v-app\",\"username\":\"bob\"}", NULL, 400,
	       "{\"error\":\"invalid_request\",\"error_description\":\"client_id, username, password and scope are required\"}");
	/* an application made through /api/2/apps has no Venafi scope: it allows nothing */
	char *app = NULL;
	CU_ASSERT_EQUAL(call("POST", "/api/2/apps", "{\"name\":\"OneLogin made\"}", NULL, &app), 201);
	const char *cid = app ? strstr(app, "\"client_id\":\"") : NULL;
	if (cid != NULL)
		expect("POST", "/vedauth/authorize/oauth", tc_fmt("{\"client_id\":\"%.32s\",\"username\":\"alice\","
		       "\"password\":\"alice-pass-1\",\"scope\":\"certificate\"}", cid + 13), NULL, 400,
		       "{\"error\":\"invalid_scope\",\"error_description\":\"The scope is outside what the application allows\"}");
	CU_ASSERT_PTR_NOT_NULL(cid);
	free(app);
	/* bob may have the bare scope; the seed-style app allows Scope or MaximumScope */
	CU_ASSERT_EQUAL(get_token("v-app", "bob", "bob-pass-1", "certificate", NULL, NULL, NULL), 200);
	CU_ASSERT_EQUAL(get_token("v-app", "alice", "alice-pass-1", "certificate;admin", NULL, NULL, NULL), 200);

	/* verify */
	char *got = NULL;
	CU_ASSERT_EQUAL(call("GET", "/vedauth/authorize/verify", NULL, tc_fmt("Authorization: Bearer %s", token), &got), 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\"application\":\"v-app\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, tc_fmt("\"identity\":\"%s\",\"scope\":\"certificate:manage\",\"valid_for\":", uni)));
	free(got);
	expect("GET", "/vedauth/authorize/verify", NULL, "Authorization: Bearer 1234", 401, INVALID_TOKEN);

	/* refresh rotates: the old refresh token and the old access token end */
	char token2[65] = "", refresh2[65] = "";
	CU_ASSERT_EQUAL(call("POST", "/vedauth/authorize/token", tc_fmt("{\"client_id\":\"v-app\",\"refresh_token\":\"%s\"}",
		refresh), "Authorization:", &got), 200);
	if ((p = strstr(got, "\"access_token\":\"")) != NULL)
		snprintf(token2, sizeof(token2), "%.64s", p + 16);
	if ((p = strstr(got, "\"refresh_token\":\"")) != NULL)
		snprintf(refresh2, sizeof(refresh2), "%.64s", p + 17);
	tc_remember_secret(token2);
	tc_remember_secret(refresh2);
	free(got);
	CU_ASSERT(strlen(refresh2) == 64 && strcmp(refresh, refresh2) != 0);
	expect("POST", "/vedauth/authorize/token", tc_fmt("{\"client_id\":\"v-app\",\"refresh_token\":\"%s\"}", refresh),
	       NULL, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"The refresh token is not valid, or its "
	       "grant has expired or been revoked\"}");
	expect("GET", "/vedauth/authorize/verify", NULL, tc_fmt("Authorization: Bearer %s", token), 401, INVALID_TOKEN);
	expect("GET", "/vedauth/authorize/verify", NULL, tc_fmt("Authorization: Bearer %s", token2), 200, NULL);
	expect("POST", "/vedauth/authorize/token", tc_fmt("{\"client_id\":\"v-beta\",\"refresh_token\":\"%s\"}", refresh2),
	       NULL, 400, NULL);      /* another application's client id */

	/* revoke ends the grant: access and refresh */
	expect("GET", "/vedauth/revoke/token", NULL, tc_fmt("Authorization: Bearer %s", token2), 200, "{\"Success\":true}");
	expect("GET", "/vedauth/authorize/verify", NULL, tc_fmt("Authorization: Bearer %s", token2), 401, INVALID_TOKEN);
	expect("POST", "/vedauth/authorize/token", tc_fmt("{\"client_id\":\"v-app\",\"refresh_token\":\"%s\"}", refresh2),
	       NULL, 400, NULL);
	expect("GET", "/vedauth/revoke/token", NULL, tc_fmt("Authorization: Bearer %s", token2), 401, INVALID_TOKEN);
	/* only hashes in the tables */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM grant_tokens WHERE encode(token_hash, 'hex') IN ($1, $2)",
				    token, refresh, NULL), 0);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM identities WHERE password_hash LIKE '%alice-pass%'",
				    NULL, NULL, NULL), 0);
}

static void test_venafi_admin_token_and_grants(void)
{
	char admin[65], cert[65];
	CU_ASSERT_EQUAL_FATAL(get_token("v-app", "alice", "alice-pass-1", "admin", admin, NULL, NULL), 200);
	CU_ASSERT_EQUAL_FATAL(get_token("v-app", "alice", "alice-pass-1", "certificate", cert, NULL, NULL), 200);
	/* a Venafi token with admin manages applications; one without is 403 */
	expect("POST", SDK "GrantCount", "{\"ApplicationId\":\"v-app\"}", tc_fmt("Authorization: Bearer %s", admin), 200, NULL);
	expect("POST", SDK "GetScopes", "{}", tc_fmt("Authorization: Bearer %s", cert), 403, NULL);
	long live = tc_sql_long("SELECT count(*) FROM grants g JOIN applications a ON a.id = g.application_id "
				"WHERE a.client_id = 'v-app' AND g.revoked_at IS NULL AND g.expires_at > now()", NULL, NULL, NULL);
	expect("POST", SDK "GrantCount", "{\"ApplicationId\":\"v-app\"}", NULL, 200,
	       tc_fmt("{\"Count\":%ld,\"Result\":0,\"Success\":true}", live));
	char *got = NULL;
	call("POST", SDK "EnumerateGrants", "{\"ApplicationId\":\"v-app\"}", NULL, &got);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\"Application\":\"v-app\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\"GranteePrefixedUniversal\":\"local:{"));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\"Scope\":\"admin\""));
	free(got);
	expect("POST", SDK "EnumerateGrants", "{\"ApplicationId\":\"v-none\"}", NULL, 200,
	       "{\"Error\":\"Application 'v-none' was not found\",\"Result\":2,\"Success\":false}");

	/* RevokeGrants ends every token of every grant at once */
	expect("POST", SDK "RevokeGrants", "{\"ApplicationId\":\"v-app\"}", NULL, 200, "{\"Result\":0,\"Success\":true}");
	expect("GET", "/vedauth/authorize/verify", NULL, tc_fmt("Authorization: Bearer %s", cert), 401, INVALID_TOKEN);
	expect("POST", SDK "GetScopes", "{}", tc_fmt("Authorization: Bearer %s", admin), 401, INVALID_TOKEN);
	expect("POST", SDK "GrantCount", "{\"ApplicationId\":\"v-app\"}", NULL, 200, "{\"Count\":0,\"Result\":0,\"Success\":true}");

	/* DeleteApplication too, and leaves no grant behind */
	CU_ASSERT_EQUAL(get_token("v-app", "alice", "alice-pass-1", "certificate", cert, NULL, NULL), 200);
	expect("POST", SDK "DeleteApplication", "{\"ApplicationId\":\"v-app\"}", NULL, 200, "{\"Result\":0,\"Success\":true}");
	expect("GET", "/vedauth/authorize/verify", NULL, tc_fmt("Authorization: Bearer %s", cert), 401, INVALID_TOKEN);
	expect("POST", SDK "DeleteApplication", "{\"ApplicationId\":\"v-app\"}", NULL, 200,
	       "{\"Error\":\"Application 'v-app' was not found\",\"Result\":2,\"Success\":false}");
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM grants g LEFT JOIN applications a ON a.id = g.application_id "
				    "WHERE a.id IS NULL", NULL, NULL, NULL), 0);
}

static void test_expiry_disable_and_tenants(void)
{
	expect("POST", SDK "CreateApplication", "{\"ApplicationId\":\"v-short\",\"Scope\":\"certificate\",\"Name\":\"Short\","
	       "\"AccessValidity\":1}", NULL, 200, NULL);
	char t[65], r[65];
	CU_ASSERT_EQUAL(get_token("v-short", "alice", "alice-pass-1", "certificate", t, r, NULL), 200);
	CU_ASSERT_EQUAL(r[0], '\0');                      /* not renewable: no refresh token */
	expect("GET", "/vedauth/authorize/verify", NULL, tc_fmt("Authorization: Bearer %s", t), 200, NULL);
	struct timespec ts = { 1, 300 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	expect("GET", "/vedauth/authorize/verify", NULL, tc_fmt("Authorization: Bearer %s", t), 401, INVALID_TOKEN);

	/* disabling an identity ends its tokens and its logins */
	make_identity("tenant-a", "carol", "carol-pass-1", "certificate");
	CU_ASSERT_EQUAL(get_token("v-short", "carol", "carol-pass-1", "certificate", t, NULL, NULL), 200);
	CU_ASSERT_EQUAL(tc_sql_long("UPDATE identities SET enabled = false WHERE username = 'carol' RETURNING 1",
				    NULL, NULL, NULL), 1);
	expect("GET", "/vedauth/authorize/verify", NULL, tc_fmt("Authorization: Bearer %s", t), 401, INVALID_TOKEN);
	CU_ASSERT_EQUAL(get_token("v-short", "carol", "carol-pass-1", "certificate", NULL, NULL, NULL), 400);

	/* another tenant neither sees the application nor logs its people into it */
	char id[33], secret[65];
	CU_ASSERT_FATAL(tc_make_credential("tenant-b", "Manage All", 0, id, secret, NULL) == 0);
	char *b = tc_fetch_token(id, secret);
	expect("POST", SDK "GetApplication", "{\"ApplicationId\":\"v-short\"}", tc_fmt("Authorization: Bearer %s", b), 200,
	       "{\"Error\":\"Application 'v-short' was not found\",\"Result\":2,\"Success\":false}");
	expect("POST", SDK "DeleteApplication", "{\"ApplicationId\":\"v-short\"}", tc_fmt("Authorization: Bearer %s", b), 200,
	       "{\"Error\":\"Application 'v-short' was not found\",\"Result\":2,\"Success\":false}");
	make_identity("tenant-b", "dave", "dave-pass-1", "certificate");
	CU_ASSERT_EQUAL(get_token("v-short", "dave", "dave-pass-1", "certificate", NULL, NULL, NULL), 400);
	free(b);
}

void suite_http_venafi(void)
{
	static const struct test_case cases[] = {
		{ "CreateApplication as the seed sends it; result codes 1, 6, 17", test_create_as_the_seed },
		{ "Get, GetApplications, Enumerate (order, paging), Update", test_read_update_enumerate },
		{ "HTTP-level errors: 404 operation, 400, 401, 403; GetScopes", test_transport_errors },
		{ "password grant, its refusals, verify, refresh rotation, revoke", test_password_grant },
		{ "Venafi admin tokens; GrantCount, EnumerateGrants, RevokeGrants, Delete", test_venafi_admin_token_and_grants },
		{ "token expiry, disabled identities, other tenants", test_expiry_disable_and_tenants },
		{ NULL, NULL },
	};
	tests_add_suite("venafi (http)", init, cleanup, cases);
}

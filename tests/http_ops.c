/* Watching the service: /metrics counts exactly what was sent (requests by route, method and
 * code, latency, database round trips, logins, tokens), is refused to an address outside
 * metrics_allow, and one X-Request-Id joins the response, authzd's JSON log line and nginx's
 * access log. The suite runs alone (test_http is serial), so the deltas it reads are its own. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "http_client.h"
#include "suites.h"

#define FORM "application/x-www-form-urlencoded"
#define OL "/api/2/api_authorizations"

static char *admin;

static int init(void)
{
	admin = strdup(tc_current_token());
	return tests_arena_init();
}

static int cleanup(void)
{
	tc_set_source(NULL);
	tc_set_token(admin);
	free(admin);
	return tests_arena_cleanup();
}

#define scrape tc_metrics
#define value tc_metric

static double delta(const char *before, const char *after, const char *series)
{
	return value(after, series) - value(before, series);
}

/* The round trips requests waited for: a worker writes its token counts after a response
 * when a second has passed, which can fall in any window after the token tests. */
static double request_round_trips(const char *before, const char *after)
{
	return delta(before, after, "authzd_db_round_trips_total") -
	       delta(before, after, "authzd_db_background_round_trips_total");
}

static void send_n(int n, const char *method, const char *path, long status)
{
	for (int i = 0; i < n; i++) {
		struct http_resp r;
		tc_call(NULL, method, path, NULL, NULL, NULL, &r);
		CU_ASSERT_EQUAL(r.status, status);
		tc_resp_free(&r);
	}
}

#define REQ(route, method, code) \
	"authzd_http_requests_total{route=\"" route "\",method=\"" method "\",code=\"" code "\"}"

static void test_requests_counted(void)
{
	char *m0 = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m0);
	send_n(4, "GET", "/healthz", 200);
	send_n(2, "HEAD", "/healthz", 200);
	send_n(3, "POST", "/healthz", 405);
	send_n(3, "GET", "/readyz", 200);
	send_n(2, "GET", "/no/such/ops/path", 404);
	char *m1 = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m1);
	CU_ASSERT_EQUAL(delta(m0, m1, REQ("probe.health", "GET", "200")), 4);
	CU_ASSERT_EQUAL(delta(m0, m1, REQ("probe.health", "HEAD", "200")), 2);
	CU_ASSERT_EQUAL(delta(m0, m1, REQ("none", "POST", "405")), 3);
	CU_ASSERT_EQUAL(delta(m0, m1, REQ("probe.ready", "GET", "200")), 3);
	CU_ASSERT_EQUAL(delta(m0, m1, REQ("none", "GET", "404")), 2);
	/* the first scrape counts itself once its answer is out: the second sees it */
	CU_ASSERT_EQUAL(delta(m0, m1, REQ("ops.metrics", "GET", "200")), 1);
	/* the latency histogram: every request in a bucket, count and +Inf agree */
	const char *h = "authzd_http_request_duration_seconds";
	char s[256];
	snprintf(s, sizeof(s), "%s_count{route=\"probe.health\"}", h);
	CU_ASSERT_EQUAL(delta(m0, m1, s), 6);
	double count = value(m1, s);
	snprintf(s, sizeof(s), "%s_bucket{route=\"probe.health\",le=\"+Inf\"}", h);
	CU_ASSERT_EQUAL(value(m1, s), count);
	snprintf(s, sizeof(s), "%s_bucket{route=\"probe.health\",le=\"10\"}", h);
	CU_ASSERT(value(m1, s) <= count && value(m1, s) > 0);
	snprintf(s, sizeof(s), "%s_sum{route=\"probe.health\"}", h);
	CU_ASSERT(delta(m0, m1, s) > 0);
	/* each /readyz is one statement; /healthz, 404s, 405s and /metrics touch no database */
	CU_ASSERT_EQUAL(request_round_trips(m0, m1), 3);
	CU_ASSERT_EQUAL(delta(m0, m1, "authzd_db_errors_total"), 0);
	CU_ASSERT(value(m1, "authzd_workers") >= 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(m1, "# TYPE authzd_http_requests_total counter\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(m1, "# TYPE authzd_http_request_duration_seconds histogram\n"));
	free(m0);
	free(m1);
}

/* Sessions PostgreSQL ends are found and replaced: the reconnects counter grows by at least
 * one and by no more than the workers that had a session. */
static void test_reconnects_counted(void)
{
	char *m0 = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m0);
	long ended = tc_sql_long("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
				 "WHERE application_name = 'authzd' AND pid <> pg_backend_pid()", NULL, NULL, NULL);
	CU_ASSERT(ended >= 1);
	tc_sleep_ms(200);
	send_n(40, "GET", "/readyz", 200);
	char *m1 = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m1);
	double d = delta(m0, m1, "authzd_db_reconnects_total");
	if (d < 1 || d > ended)
		fprintf(stderr, "\n    reconnects grew by %g, %ld sessions ended", d, ended);
	CU_ASSERT(d >= 1 && d <= ended);
	CU_ASSERT_EQUAL(request_round_trips(m0, m1), 40);
	free(m0);
	free(m1);
}

static void test_logins_counted(void)
{
	char id[33], secret[65], body[256];
	CU_ASSERT_FATAL(tc_make_credential("tenant-a", "Manage All", 0, id, secret, NULL) == 0);
	char *m0 = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m0);
	tc_set_token(NULL);
	for (int i = 0; i < 11; i++) {
		struct http_resp r;
		snprintf(body, sizeof(body), "grant_type=client_credentials&client_id=%s&client_secret=wrong%d", id, i);
		tc_call(NULL, "POST", "/auth/oauth2/v2/token", FORM, body, NULL, &r);
		CU_ASSERT_EQUAL(r.status, i < 10 ? 401 : 429);
		tc_resp_free(&r);
	}
	tc_set_token(admin);
	char *m1 = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m1);
	CU_ASSERT_EQUAL(delta(m0, m1, "authzd_login_failures_total{form=\"management\"}"), 10);
	CU_ASSERT_EQUAL(delta(m0, m1, "authzd_login_throttled_total{form=\"management\"}"), 1);
	CU_ASSERT_EQUAL(delta(m0, m1, "authzd_login_failures_total{form=\"client\"}"), 0);
	free(m0);
	free(m1);
}

static long post_id(const char *path, const char *body)
{
	struct http_resp r;
	long id = 0;
	tc_json("POST", path, body, &r);
	sscanf(r.body, "{\"id\":%ld", &id);
	tc_resp_free(&r);
	return id;
}

static void test_tokens_counted(void)
{
	long server = post_id(OL, "{\"name\":\"ops metrics\",\"configuration\":{\"resource_identifier\":"
				  "\"https://ops.example.com\",\"audiences\":[\"https://ops.example.com\"],"
				  "\"access_token_expiration_minutes\":5}}");
	CU_ASSERT_FATAL(server > 0);
	struct http_resp r;
	tc_json("POST", "/api/2/apps", "{\"name\":\"ops metrics client\"}", &r);
	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	json_t *j = json_loads(r.body, 0, NULL);
	tc_resp_free(&r);
	json_t *sso = json_object_get(j, "sso");
	long app = (long)json_integer_value(json_object_get(j, "id"));
	char pair[400];
	snprintf(pair, sizeof(pair), "%s:%s", json_string_value(json_object_get(sso, "client_id")),
		 json_string_value(json_object_get(sso, "client_secret")));
	tc_remember_secret(json_string_value(json_object_get(sso, "client_secret")));
	json_decref(j);
	char basic[600], wrong[600];
	snprintf(basic, sizeof(basic), "Authorization: Basic %s",
		 crypto_base64_encode(tests_arena, pair, strlen(pair), BASE64_STD));
	strcpy(strchr(pair, ':') + 1, "not-the-secret");
	snprintf(wrong, sizeof(wrong), "Authorization: Basic %s",
		 crypto_base64_encode(tests_arena, pair, strlen(pair), BASE64_STD));
	tc_json("POST", tc_fmt(OL "/%ld/clients", server), tc_fmt("{\"app_id\":%ld,\"scopes\":[]}", app), &r);
	CU_ASSERT(r.status == 200 || r.status == 201);
	tc_resp_free(&r);

	char *m0 = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m0);
	tc_set_token(NULL);
	for (int i = 0; i < 3; i++) {
		tc_call(NULL, "POST", tc_fmt("/oauth2/%ld/v1/token", server), FORM, "grant_type=client_credentials",
			basic, &r);
		CU_ASSERT_EQUAL(r.status, 200);
		json_t *t = json_loads(r.body, 0, NULL);
		if (json_string_value(json_object_get(t, "access_token")) != NULL)
			tc_remember_secret(json_string_value(json_object_get(t, "access_token")));
		json_decref(t);
		tc_resp_free(&r);
	}
	tc_call(NULL, "POST", tc_fmt("/oauth2/%ld/v1/token", server), FORM, "grant_type=client_credentials", wrong, &r);
	CU_ASSERT_EQUAL(r.status, 401);
	tc_resp_free(&r);
	tc_set_token(admin);
	char *m1 = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m1);
	char series[128];
	/* a new server's ring is the configured algorithm's: RS256 on the test stack */
	snprintf(series, sizeof(series), "authzd_tokens_issued_total{server=\"%ld\",alg=\"RS256\"}", server);
	CU_ASSERT_EQUAL(delta(m0, m1, series), 3);
	CU_ASSERT_EQUAL(delta(m0, m1, REQ("oauth.token", "POST", "200")), 3);
	CU_ASSERT_EQUAL(delta(m0, m1, REQ("oauth.token", "POST", "401")), 1);
	CU_ASSERT_EQUAL(delta(m0, m1, "authzd_login_failures_total{form=\"client\"}"), 1);
	free(m0);
	free(m1);
}

static int is_request_id(const char *s)
{
	if (s == NULL || strlen(s) != 32)
		return 0;
	return strspn(s, "0123456789abcdef") == 32;
}

/* authzd's JSON line whose request_id is id (a new reference), or NULL. */
static json_t *authzd_line(const char *id)
{
	FILE *f = fopen(getenv("AUTHZD_LOG_FILE"), "r");
	if (f == NULL)
		return NULL;
	json_t *found = NULL;
	char line[8192];
	while (found == NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, id) == NULL)
			continue;
		json_t *j = json_loads(line, 0, NULL);
		if (j != NULL && json_string_value(json_object_get(j, "request_id")) != NULL &&
		    strcmp(json_string_value(json_object_get(j, "request_id")), id) == 0)
			found = j;
		else
			json_decref(j);
	}
	fclose(f);
	return found;
}

/* nginx's access log (next to authzd.log) has a line ending in id; it writes every 2 s. */
static int nginx_logged(const char *id)
{
	const char *log = getenv("AUTHZD_LOG_FILE");
	char path[1024];
	snprintf(path, sizeof(path), "%.*s/nginx-access.log", (int)(strrchr(log, '/') - log), log);
	for (int tries = 0; tries < 50; tries++) {
		FILE *f = fopen(path, "r");
		char line[8192];
		int hit = 0;
		while (f != NULL && !hit && fgets(line, sizeof(line), f) != NULL) {
			size_t n = strlen(line);
			while (n > 0 && line[n - 1] == '\n')
				line[--n] = '\0';
			hit = n > 32 && strcmp(line + n - 32, id) == 0 && line[n - 33] == ' ';
		}
		if (f != NULL)
			fclose(f);
		if (hit)
			return 1;
		tc_sleep_ms(100);
	}
	return 0;
}

static void test_request_id_joins_the_logs(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(getenv("AUTHZD_LOG_FILE"));
	struct http_resp r;
	tc_call(NULL, "GET", "/api/2/api_authorizations", NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	char id[64];
	snprintf(id, sizeof(id), "%s", tc_header(&r, "X-Request-Id") ? tc_header(&r, "X-Request-Id") : "");
	tc_resp_free(&r);
	CU_ASSERT_FATAL(is_request_id(id));

	json_t *j = authzd_line(id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	ASSERT_STR(json_string_value(json_object_get(j, "level")), "info");
	ASSERT_STR(json_string_value(json_object_get(j, "msg")), "request");
	ASSERT_STR(json_string_value(json_object_get(j, "method")), "GET");
	ASSERT_STR(json_string_value(json_object_get(j, "route")), "onelogin.server.list");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "status")), 200);
	CU_ASSERT(json_is_number(json_object_get(j, "duration_ms")));
	CU_ASSERT(json_number_value(json_object_get(j, "duration_ms")) >= 0);
	/* the caller: tenant-a's credential, by id */
	long tenant = tc_sql_long("SELECT id FROM tenants WHERE name = 'tenant-a'", NULL, NULL, NULL);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "tenant")), tenant);
	CU_ASSERT(json_integer_value(json_object_get(j, "caller")) > 0);
	const char *t = json_string_value(json_object_get(j, "time"));
	/* RFC 3339, UTC, milliseconds: 2026-01-31T12:00:00.123Z */
	CU_ASSERT(t != NULL && strlen(t) == 24 && t[4] == '-' && t[10] == 'T' && t[19] == '.' && t[23] == 'Z');
	CU_ASSERT(json_integer_value(json_object_get(j, "pid")) > 0);
	/* only what identifies the request: no header, no token */
	CU_ASSERT_EQUAL(json_object_size(j), 11);
	json_decref(j);
	CU_ASSERT(nginx_logged(id));

	/* an error authzd renders carries one too, and so does one nginx answers itself */
	tc_call(NULL, "GET", "/api/2/api_authorizations/999999999", NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT(is_request_id(tc_header(&r, "X-Request-Id")));
	snprintf(id, sizeof(id), "%s", tc_header(&r, "X-Request-Id") ? tc_header(&r, "X-Request-Id") : "");
	tc_resp_free(&r);
	j = authzd_line(id);
	CU_ASSERT_PTR_NOT_NULL(j);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "status")), 404);
	json_decref(j);
	tc_call(NULL, "TRACE", "/api/2/apps", NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 405);
	ASSERT_STR(r.body, "{\"message\":\"Method Not Allowed\",\"statusCode\":405,\"name\":\"MethodNotAllowedError\"}");
	snprintf(id, sizeof(id), "%s", tc_header(&r, "X-Request-Id") ? tc_header(&r, "X-Request-Id") : "");
	tc_resp_free(&r);
	CU_ASSERT(is_request_id(id));
	CU_ASSERT(nginx_logged(id));
}

/* nginx listens on 127.0.0.1; the stack's metrics_allow is 127.0.0.1 and ::1, so a call from
 * 127.0.0.2 (loopback too, but not listed) is refused in the plain dialect. */
static void test_refused_outside_allow_list(void)
{
	struct http_resp r;
	tc_set_source("127.0.0.2");
	tc_call(NULL, "GET", "/metrics", NULL, NULL, NULL, &r);
	tc_set_source(NULL);
	CU_ASSERT_EQUAL(r.status, 403);
	ASSERT_STR(r.body, "{\"message\":\"Forbidden\",\"statusCode\":403}");
	CU_ASSERT_PTR_NULL(strstr(r.body, "authzd_"));
	tc_resp_free(&r);
	tc_call(NULL, "HEAD", "/metrics", NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	ASSERT_STR(tc_header(&r, "Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
	CU_ASSERT_EQUAL(r.body_len, 0);
	tc_resp_free(&r);
}

void suite_http_ops(void)
{
	static const struct test_case cases[] = {
		{ "/metrics counts requests by route, method and code, latency and round trips", test_requests_counted },
		{ "/metrics counts the reconnects after PostgreSQL ends the sessions", test_reconnects_counted },
		{ "/metrics counts failed and throttled logins", test_logins_counted },
		{ "/metrics counts tokens by server and algorithm", test_tokens_counted },
		{ "/metrics is refused outside metrics_allow", test_refused_outside_allow_list },
		{ "X-Request-Id joins the response, authzd's JSON line and nginx's access log",
		  test_request_id_joins_the_logs },
		{ NULL, NULL },
	};
	tests_add_suite("operations (http)", init, cleanup, cases);
}

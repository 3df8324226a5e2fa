/* The service around the API: probes, limits, a lost database connection, and a worker
 * killed under it. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db_schema.h"
#include "http_client.h"
#include "suites.h"

static void test_probes(void)
{
	struct http_resp r;
	TC_EXPECT("GET", "/healthz", NULL, 200, "{\"status\":\"ok\"}");
	TC_EXPECT("GET", "/readyz", NULL, 200, "{\"status\":\"ready\",\"migration\":\"" DB_SCHEMA_LEVEL "\"}");
	tc_call(NULL, "HEAD", "/healthz", NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(r.body_len, 0);
	ASSERT_STR(tc_header(&r, "Content-Length"), "15");
	tc_resp_free(&r);
	tc_call(NULL, "POST", "/healthz", NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 405);
	ASSERT_STR(tc_header(&r, "Allow"), "GET, HEAD");
	ASSERT_STR(r.body, "{\"message\":\"Method Not Allowed\",\"statusCode\":405}");
	tc_resp_free(&r);
	TC_EXPECT("GET", "/no/such/path", NULL, 404, "{\"message\":\"Not Found\",\"statusCode\":404}");
}

/* A schema older than the binary is not ready. The newest migration's record is renamed
 * (committed, so every worker sees it: /readyz reads the level on every call) and restored
 * at once; the record keeps its name and time. */
static void test_readyz_schema_older(void)
{
	struct http_resp r;
	ASSERT_STR(tc_sql_text("SELECT max(version) FROM schema_migrations", NULL), DB_SCHEMA_LEVEL);
	CU_ASSERT_EQUAL_FATAL(tc_sql_long("WITH u AS (UPDATE schema_migrations SET version = '0000' "
					  "WHERE version = $1 RETURNING 1) SELECT count(*) FROM u",
					  DB_SCHEMA_LEVEL, NULL, NULL), 1);
	char previous[8];
	const char *p = tc_sql_text("SELECT max(version) FROM schema_migrations WHERE version <> '0000'", NULL);
	snprintf(previous, sizeof(previous), "%s", p ? p : "?");
	tc_call(NULL, "GET", "/readyz", NULL, NULL, NULL, &r);
	long status = r.status;
	char *body = strdup(r.body);
	const char *retry = tc_header(&r, "Retry-After");
	int has_retry = retry != NULL && strcmp(retry, "1") == 0;
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("WITH u AS (UPDATE schema_migrations SET version = $1 "
				    "WHERE version = '0000' RETURNING 1) SELECT count(*) FROM u",
				    DB_SCHEMA_LEVEL, NULL, NULL), 1);
	CU_ASSERT_EQUAL(status, 503);
	CU_ASSERT(has_retry);
	ASSERT_STR(body, tc_fmt("{\"message\":\"the database schema is older than this binary\",\"statusCode\":503,"
				"\"expected_migration\":\"%s\",\"found_migration\":\"%s\"}", DB_SCHEMA_LEVEL, previous));
	free(body);
	CU_ASSERT(strcmp(previous, DB_SCHEMA_LEVEL) < 0);
	/* restored: ready again, on every worker */
	for (int i = 0; i < 16; i++)
		TC_EXPECT("GET", "/readyz", NULL, 200, "{\"status\":\"ready\",\"migration\":\"" DB_SCHEMA_LEVEL "\"}");
}

static void test_body_cap_413(void)
{
	struct http_resp r;
	size_t n = 1024 * 1024 + 512;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	long before = tc_sql_long("SELECT count(*) FROM servers", NULL, NULL, NULL);
	TC_EXPECT("POST", "/api/2/api_authorizations", big, 413, "{\"message\":\"Payload Too Large\",\"statusCode\":413,\"name\":\"PayloadTooLargeError\"}");
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers", NULL, NULL, NULL), before);
	/* just under the cap is read and judged on its content */
	big[1024 * 1024 - 2] = '}';
	big[1024 * 1024 - 1] = '\0';
	tc_json("POST", "/api/2/api_authorizations", big, &r);
	CU_ASSERT_EQUAL(r.status, 400);
	ASSERT_STR(r.body, "{\"field\":\"name\",\"message\":\"Missing required field\",\"statusCode\":400,"
			   "\"name\":\"BadRequestError\"}");
	tc_resp_free(&r);
	free(big);
}

/* PostgreSQL ends the workers' idle sessions (pg_terminate_backend, as a restart or an
 * operator would): each worker finds its session ended before it sends its next statement and
 * reconnects, so no request fails. (A session lost in the middle of a statement answers 503
 * with Retry-After: the fault run's PostgreSQL restarts under load show those.) */
static void test_database_connection_lost(void)
{
	struct http_resp r;
	long killed = tc_sql_long("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
				  "WHERE application_name = 'authzd'", NULL, NULL, NULL);
	CU_ASSERT(killed >= 1);
	/* until the ended sessions are gone, a statement could still reach one of them */
	for (int i = 0; i < 100 && tc_sql_long("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
						  "'authzd'", NULL, NULL, NULL) > 0; i++)
		tc_sleep_ms(20);
	int failed = 0;
	for (int i = 0; i < 32; i++) {
		tc_call(NULL, "GET", "/api/2/api_authorizations/1", NULL, NULL, NULL, &r);
		if (r.status != 200 && r.status != 404) {
			failed++;
			fprintf(stderr, "\n    after the sessions ended: %ld %s\n", r.status, r.body);
		}
		tc_resp_free(&r);
	}
	CU_ASSERT_EQUAL(failed, 0);
	for (int i = 0; i < 10; i++) {
		TC_EXPECT("GET", "/readyz", NULL, 200, NULL);
	}
	CU_ASSERT(tc_sql_long("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'authzd'",
			      NULL, NULL, NULL) >= 1);
	CU_ASSERT(tc_sql_long("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'authzd'",
			      NULL, NULL, NULL) <= 8);
}

/* Children of pid, from /proc. */
static int children(pid_t parent, pid_t *out, int max)
{
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL && n < max) {
		char path[300], buf[512];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			continue;
		size_t got = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[got] = '\0';
		char *rp = strrchr(buf, ')');
		int ppid = 0;
		char state;
		if (rp != NULL && sscanf(rp + 2, "%c %d", &state, &ppid) == 2 && ppid == parent &&
		    state != 'Z')
			out[n++] = (pid_t)atoi(e->d_name);
	}
	if (d != NULL)
		closedir(d);
	return n;
}

/* 1 while pid exists and is not a zombie. */
static int process_alive(pid_t pid)
{
	char path[64], state = 'X';
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%*d %*s %c", &state) != 1)
		state = 'X';
	fclose(f);
	return state != 'Z' && state != 'X';
}

static void test_killed_worker_is_replaced(void)
{
	const char *pid_file = getenv("AUTHZD_PID_FILE");
	if (pid_file == NULL) {
		CU_FAIL("AUTHZD_PID_FILE is not set");
		return;
	}
	FILE *f = fopen(pid_file, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	int sup = 0;
	CU_ASSERT_EQUAL(fscanf(f, "%d", &sup), 1);
	fclose(f);
	pid_t before[64], after[64];
	int n = children(sup, before, 64);
	/* every worker must be up (connected, idle in accept) before one is killed */
	for (int i = 0; i < 2 * n; i++) {
		struct http_resp w;
		tc_call(NULL, "GET", "/readyz", NULL, NULL, NULL, &w);
		tc_resp_free(&w);
	}
	CU_ASSERT_FATAL(n >= 1);
	char *m0 = tc_metrics();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m0);
	CU_ASSERT_EQUAL_FATAL(kill(before[0], SIGKILL), 0);
	/* Until it is dead, the killed worker may still take a connection from the shared
	 * socket (and drop it: nginx's 502, which the fault run counts). Once it is gone, no
	 * request may fail. */
	for (int tries = 0; tries < 100 && process_alive(before[0]); tries++)
		tc_sleep_ms(10);

	struct http_resp r;
	int ok = 0;
	for (int i = 0; i < 20; i++) {
		tc_json("POST", "/api/2/api_authorizations",
			"{\"name\":\"after kill\",\"configuration\":{\"resource_identifier\":\"urn:k\",\"audiences\":[\"k\"]}}", &r);
		if (r.status == 201)
			ok++;
		else
			fprintf(stderr, "\n    after SIGKILL: %ld %s\n", r.status, r.body);
		tc_resp_free(&r);
	}
	CU_ASSERT_EQUAL(ok, 20);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers WHERE name = 'after kill'", NULL, NULL, NULL), 20);

	int m = 0, replaced = 0;
	for (int tries = 0; tries < 100 && !replaced; tries++) {   /* 10 s: a sanitizer build starts slowly */
		m = children(sup, after, 64);
		replaced = m == n;
		for (int i = 0; i < m; i++)
			if (after[i] == before[0])
				replaced = 0;
		if (!replaced)
			tc_sleep_ms(100);
	}
	CU_ASSERT(replaced);
	/* the supervisor counted the restart; the new worker went on from the dead one's totals */
	char *m1 = tc_metrics();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m1);
	CU_ASSERT_EQUAL(tc_metric(m1, "authzd_worker_restarts_total") - tc_metric(m0, "authzd_worker_restarts_total"), 1);
	const char *ready = "authzd_http_requests_total{route=\"probe.ready\",method=\"GET\",code=\"200\"}";
	CU_ASSERT(tc_metric(m0, ready) >= 2 * n);
	CU_ASSERT_EQUAL(tc_metric(m1, ready), tc_metric(m0, ready));
	const char *created = "authzd_http_requests_total{route=\"onelogin.server.create\",method=\"POST\",code=\"201\"}";
	CU_ASSERT_EQUAL(tc_metric(m1, created) - tc_metric(m0, created), 20);
	free(m0);
	free(m1);
}

void suite_http_service(void)
{
	static const struct test_case cases[] = {
		{ "health and readiness probes, plain 404/405", test_probes },
		{ "readiness: 503 naming both levels while the schema is older than the binary",
		  test_readyz_schema_older },
		{ "bodies over 1 MiB answer 413 in the dialect", test_body_cap_413 },
		{ "sessions ended by PostgreSQL: each worker reconnects first, no request fails",
		  test_database_connection_lost },
		{ "a SIGKILLed worker is replaced and no request fails", test_killed_worker_is_replaced },
		{ NULL, NULL },
	};
	tests_add_suite("service (http)", NULL, NULL, cases);
}

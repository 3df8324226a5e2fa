/* The counters (in this process's own slot: no supervisor here), their sums and the token
 * table's bound; the metrics_allow grammar and matching; and the JSON log lines, including
 * log_reopen after the file was moved away. */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "routes.h"
#include "suites.h"

static int allowed(const char *spec, const char *addr)
{
	struct metrics_allow a;
	char err[200];
	CU_ASSERT_EQUAL_FATAL(metrics_allow_parse(spec, &a, err, sizeof(err)), 0);
	return metrics_allow_match(&a, addr);
}

static void test_allow_list(void)
{
	const char *def = "127.0.0.0/8 ::1";
	CU_ASSERT(allowed(def, "127.0.0.1"));
	CU_ASSERT(allowed(def, "127.255.3.4"));
	CU_ASSERT(allowed(def, "::1"));
	CU_ASSERT(allowed(def, "::ffff:127.0.0.1"));
	CU_ASSERT(!allowed(def, "128.0.0.1"));
	CU_ASSERT(!allowed(def, "10.0.0.1"));
	CU_ASSERT(!allowed(def, "::2"));
	CU_ASSERT(!allowed(def, "::ffff:10.0.0.1"));
	CU_ASSERT(!allowed(def, "localhost"));
	CU_ASSERT(!allowed(def, ""));
	CU_ASSERT(!allowed(def, NULL));
	CU_ASSERT(allowed("127.0.0.1, ::1", "127.0.0.1"));
	CU_ASSERT(!allowed("127.0.0.1, ::1", "127.0.0.2"));
	CU_ASSERT(allowed("10.1.2.128/25", "10.1.2.200"));
	CU_ASSERT(!allowed("10.1.2.128/25", "10.1.2.127"));
	CU_ASSERT(allowed("2001:db8::/32", "2001:db8:ffff::1"));
	CU_ASSERT(!allowed("2001:db8::/32", "2001:db9::1"));
	CU_ASSERT(allowed("0.0.0.0/0", "203.0.113.9"));
	CU_ASSERT(!allowed("0.0.0.0/0", "2001:db8::1"));
	CU_ASSERT(allowed("::/0", "2001:db8::1"));
	/* nothing listed: nobody */
	CU_ASSERT(!allowed("", "127.0.0.1"));
	CU_ASSERT(!allowed(NULL, "127.0.0.1"));

	struct metrics_allow a;
	char err[200];
	const char *bad[] = { "127.0.0.1/33", "::1/129", "nonsense", "1.2.3.4/x", "1.2.3.4/", "1.2.3/8", "10.0.0.1/-1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(metrics_allow_parse(bad[i], &a, err, sizeof(err)), -1);
		CU_ASSERT(err[0] != '\0');
	}
}

static void test_config_key(void)
{
	struct config cfg;
	char err[256];
	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, NULL, err, sizeof(err)), 0);
	ASSERT_STR(cfg.metrics_allow, "127.0.0.0/8 ::1");
	CU_ASSERT_EQUAL(config_set(&cfg, "metrics_allow", "10.0.0.0/8, 192.0.2.1", err, sizeof(err)), 0);
	ASSERT_STR(cfg.metrics_allow, "10.0.0.0/8, 192.0.2.1");
	CU_ASSERT_EQUAL(config_set(&cfg, "metrics_allow", "10.0.0.0/99", err, sizeof(err)), -1);
	ASSERT_STR(err, "metrics_allow: '10.0.0.0/99': the prefix length is not 0..32");
	CU_ASSERT_EQUAL(config_set(&cfg, "metrics_allow", "", err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(cfg.metrics_allow);
	CU_ASSERT_EQUAL(config_set(&cfg, "log_file", "/var/log/authzd.log", err, sizeof(err)), 0);
	ASSERT_STR(cfg.log_file, "/var/log/authzd.log");
	config_free(&cfg);
}

static void test_counters_sum(void)
{
	struct metrics_totals *t0 = malloc(sizeof(*t0)), *t1 = malloc(sizeof(*t1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
	metrics_totals(t0);
	int c200 = metrics_code_index(200), c404 = metrics_code_index(404), other = metrics_code_index(299);
	CU_ASSERT_EQUAL(metrics_code_at(c200), 200);
	CU_ASSERT_EQUAL(other, METRICS_CODES - 1);
	CU_ASSERT_EQUAL(metrics_code_at(other), 0);
	metrics_request(3, 0, 200, 200 * 1000);          /* 0.2 ms: the first bucket */
	metrics_request(3, 0, 200, 3 * 1000 * 1000);     /* 3 ms: le 0.005 */
	metrics_request(3, 0, 404, 20LL * 1000000000);   /* 20 s: +Inf */
	metrics_request(9999, 99, 299, 0);               /* clamped: no route, other method, other code */
	metrics_db(5, 1, 0, 2);
	metrics_login_failed(METRICS_LOGIN_IDENTITY);
	metrics_login_throttled(METRICS_LOGIN_CLIENT);
	metrics_totals(t1);
	const struct metrics_slot *a = &t0->sum, *b = &t1->sum;
	CU_ASSERT_EQUAL(b->requests[3][0][c200] - a->requests[3][0][c200], 2);
	CU_ASSERT_EQUAL(b->requests[3][0][c404] - a->requests[3][0][c404], 1);
	CU_ASSERT_EQUAL(b->requests[METRICS_ROUTE_NONE][METRICS_METHODS - 1][other] -
			a->requests[METRICS_ROUTE_NONE][METRICS_METHODS - 1][other], 1);
	CU_ASSERT_EQUAL(b->latency[3][0] - a->latency[3][0], 1);
	CU_ASSERT_EQUAL(b->latency[3][3] - a->latency[3][3], 1);       /* bounds[3] = 0.005 */
	CU_ASSERT_EQUAL(b->latency[3][METRICS_BUCKETS - 1] - a->latency[3][METRICS_BUCKETS - 1], 1);
	CU_ASSERT_EQUAL(b->latency_sum_ns[3] - a->latency_sum_ns[3], 200000 + 3000000 + 20000000000ULL);
	CU_ASSERT_EQUAL(b->db_round_trips - a->db_round_trips, 5);
	CU_ASSERT_EQUAL(b->db_reconnects - a->db_reconnects, 1);
	CU_ASSERT_EQUAL(b->db_background - a->db_background, 2);
	CU_ASSERT_EQUAL(b->login_failures[METRICS_LOGIN_IDENTITY] - a->login_failures[METRICS_LOGIN_IDENTITY], 1);
	CU_ASSERT_EQUAL(b->login_throttled[METRICS_LOGIN_CLIENT] - a->login_throttled[METRICS_LOGIN_CLIENT], 1);
	CU_ASSERT_EQUAL(t1->slots, 1);
	free(t0);
	free(t1);
	/* every route of the table has an index of its own */
	CU_ASSERT(routes_count < METRICS_ROUTE_NONE);
}

static void test_token_table_bound(void)
{
	/* 300 servers: 256 get a row, the rest (for this slot) are "other" */
	for (int64_t id = 1000; id < 1300; id++)
		metrics_token_issued(id, 1);
	metrics_token_issued(1000, 1);
	metrics_token_issued(1000, 0);
	metrics_token_issued(1000, 7);                   /* no such algorithm: not counted */
	struct metrics_token_total *rows;
	size_t n = metrics_token_totals(tests_arena, &rows);
	CU_ASSERT_EQUAL(n, 256 + 1 + 1);                 /* 256 servers with ES256, one RS256, other */
	uint64_t total = 0, other = 0;
	for (size_t i = 0; i < n; i++) {
		total += rows[i].issued;
		if (rows[i].server_id == 0)
			other += rows[i].issued;
		if (i > 0)
			CU_ASSERT(rows[i - 1].server_id < rows[i].server_id ||
				  (rows[i - 1].server_id == rows[i].server_id && rows[i - 1].alg < rows[i].alg));
	}
	CU_ASSERT_EQUAL(total, 302);
	CU_ASSERT_EQUAL(other, 300 - 256);
	CU_ASSERT_EQUAL(rows[0].server_id, 0);
	CU_ASSERT_EQUAL(rows[1].server_id, 1000);
	CU_ASSERT_EQUAL(rows[1].alg, 0);
	CU_ASSERT_EQUAL(rows[2].issued, 2);
}

void suite_metrics(void)
{
	static const struct test_case cases[] = {
		{ "metrics_allow: addresses and CIDR blocks, v4, v6 and mapped", test_allow_list },
		{ "metrics_allow and log_file config keys", test_config_key },
		{ "request, latency, database and login counters add up", test_counters_sum },
		{ "token issuance: 256 servers a slot, then other", test_token_table_bound },
		{ NULL, NULL },
	};
	tests_add_suite("metrics", tests_arena_init, tests_arena_cleanup, cases);
}

/* ---- the log ------------------------------------------------------------------------- */

static char log_dir[] = "/tmp/authzd-unit-log-XXXXXX";
static int saved_stderr = -1;

static int log_init(void)
{
	if (mkdtemp(log_dir) == NULL)
		return -1;
	saved_stderr = dup(STDERR_FILENO);
	return saved_stderr < 0 ? -1 : 0;
}

static int log_cleanup(void)
{
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", log_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The file's lines as JSON objects (a new array). */
static json_t *lines_of(const char *path)
{
	json_t *all = json_array();
	FILE *f = fopen(path, "r");
	char line[8192];
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		json_error_t e;
		json_t *j = json_loads(line, 0, &e);
		if (j == NULL)
			fprintf(stderr, "\n    not JSON: %s", line);
		CU_ASSERT_PTR_NOT_NULL(j);
		if (j != NULL)
			json_array_append_new(all, j);
	}
	if (f != NULL)
		fclose(f);
	return all;
}

static void test_json_lines_and_reopen(void)
{
	char path[256], moved[256];
	snprintf(path, sizeof(path), "%s/authzd.log", log_dir);
	snprintf(moved, sizeof(moved), "%s/authzd.log.1", log_dir);
	CU_ASSERT_EQUAL_FATAL(log_open(path), 0);
	log_warn("worker %d: \"quoted\" and \xff not UTF-8", 7);
	log_event(LOG_ERROR, "request", json_pack("{s:s,s:i,s:f}", "route", "probe.health", "status", 500,
						  "duration_ms", 1.25));
	log_debug("not at level info");
	CU_ASSERT_EQUAL(rename(path, moved), 0);
	log_info("still the old file");
	CU_ASSERT_EQUAL(log_reopen(), 0);
	log_info("the new file");
	dup2(saved_stderr, STDERR_FILENO);

	json_t *old = lines_of(moved), *now = lines_of(path);
	CU_ASSERT_EQUAL_FATAL(json_array_size(old), 3);
	CU_ASSERT_EQUAL_FATAL(json_array_size(now), 1);
	json_t *w = json_array_get(old, 0);
	ASSERT_STR(json_string_value(json_object_get(w, "level")), "warn");
	ASSERT_STR(json_string_value(json_object_get(w, "msg")), "worker 7: \"quoted\" and ? not UTF-8");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(w, "pid")), getpid());
	const char *t = json_string_value(json_object_get(w, "time"));
	CU_ASSERT(t != NULL && strlen(t) == 24 && t[10] == 'T' && t[19] == '.' && t[23] == 'Z');
	json_t *e = json_array_get(old, 1);
	ASSERT_STR(json_string_value(json_object_get(e, "level")), "error");
	ASSERT_STR(json_string_value(json_object_get(e, "route")), "probe.health");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(e, "status")), 500);
	CU_ASSERT_DOUBLE_EQUAL(json_real_value(json_object_get(e, "duration_ms")), 1.25, 1e-9);
	ASSERT_STR(json_string_value(json_object_get(json_array_get(old, 2), "msg")), "still the old file");
	ASSERT_STR(json_string_value(json_object_get(json_array_get(now, 0), "msg")), "the new file");
	/* the keys in a fixed order, time first: lines read well in a terminal too */
	FILE *f = fopen(path, "r");
	char line[512] = "";
	CU_ASSERT_PTR_NOT_NULL(f != NULL ? fgets(line, sizeof(line), f) : NULL);
	if (f != NULL)
		fclose(f);
	CU_ASSERT_EQUAL(strncmp(line, "{\"time\":\"", 9), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\",\"level\":\"info\",\"pid\":"));
	json_decref(old);
	json_decref(now);
}

void suite_log(void)
{
	static const struct test_case cases[] = {
		{ "JSON lines with levels; log_reopen after the file moved", test_json_lines_and_reopen },
		{ NULL, NULL },
	};
	tests_add_suite("log", log_init, log_cleanup, cases);
}

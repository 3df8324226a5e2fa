/* Parallel writers on one resource, for every replace, patch and delete of every resource
 * type: OneLogin servers, scopes, claims, client links and apps; Azure authorizationServers
 * (PUT with and without If-Match, PATCH, DELETE, ETag races, first PUTs of one name); Venafi
 * UpdateApplication and DeleteApplication. N threads released together by a barrier write
 * one resource, round after round. After each round the resource read back through the API
 * must be exactly one writer's whole body and the rows behind it that same writer's (list
 * positions 0..n-1, each once); of N deleters exactly one succeeds, the others hear the
 * dialect's not-found, and no row is left. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "suites.h"

#define WRITERS 16
#define CREATORS 32
#define ROUNDS 8
#define FEW_ROUNDS 5
#define BODY_MAX 8192

#define OL "/api/2/api_authorizations"
#define SDK "/vedsdk/oauth/"
#define V "?api-version=2022-08-01"
#define SUB "Sub-C"
#define SVC_PATH "/subscriptions/" SUB "/resourceGroups/RG-C/providers/Microsoft.ApiManagement/service/"

static const char *const NOT_FOUND =
	"{\"message\":\"The resource with the given id could not be found\",\"statusCode\":404,\"name\":\"NotFoundError\"}";
static const char *const AZ_NOT_FOUND =
	"{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"OAuth2AuthorizationServer not found.\",\"details\":null}}";
static const char *const PRECONDITION =
	"{\"error\":{\"code\":\"PreconditionFailed\",\"message\":\"The entity tag in If-Match does not match the "
	"current entity (or there is none).\",\"details\":null}}";
static const char *const V_OK = "{\"Result\":0,\"Success\":true}";
static const char *const V_GONE = "{\"Error\":\"Application 'conc-del' was not found\",\"Result\":2,\"Success\":false}";

/* Every row of server $1, in every table that hangs off it. */
#define SERVER_ROWS_LEFT \
	"SELECT (SELECT count(*) FROM servers WHERE id = $1::bigint)" \
	" + (SELECT count(*) FROM server_configurations WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_audiences WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_grant_types WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_authorization_methods WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_client_authentication_methods WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_bearer_token_sending_methods WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_token_body_parameters WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_secrets WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_scopes WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_claims WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_applications WHERE server_id = $1::bigint)" \
	" + (SELECT count(*) FROM server_application_scopes WHERE server_id = $1::bigint)"

static int init(void)
{
	return tc_sql_exec("DELETE FROM azure_services WHERE subscription_id = '" SUB "'") ||
	       tc_sql_exec("DELETE FROM applications WHERE client_id LIKE 'conc-%'") ? -1 : 0;
}

/* ---- formatting -------------------------------------------------------------------- */

static void append(char *b, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *b, size_t n, const char *fmt, ...)
{
	size_t len = strlen(b);
	va_list ap;
	va_start(ap, fmt);
	if (len < n)
		vsnprintf(b + len, n - len, fmt, ap);
	va_end(ap);
}

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dup_printf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

#define CHECK(cond, ...) do { \
	char m__[640]; \
	snprintf(m__, sizeof(m__), __VA_ARGS__); \
	CU_assertImplementation((cond) ? CU_TRUE : CU_FALSE, __LINE__, m__, __FILE__, "", CU_FALSE); \
} while (0)

/* ---- parallel requests ------------------------------------------------------------- */

struct job {
	const char *method;
	char path[512];
	char *body;                 /* malloc'd; NULL: none */
	const char *extra;          /* one more header line, or NULL */
	struct http_resp r;
	int rc;
};

struct slot {
	struct job *job;
	pthread_barrier_t *go;
};

static void *writer(void *arg)
{
	struct slot *s = arg;
	struct job *j = s->job;
	struct http_resp warm;
	CURL *h = curl_easy_init();
	/* connected before the start, so that the requests themselves overlap */
	tc_call_with(h, NULL, "GET", "/healthz", NULL, NULL, NULL, &warm);
	tc_resp_free(&warm);
	pthread_barrier_wait(s->go);
	j->rc = tc_call_with(h, NULL, j->method, j->path, j->body ? "application/json" : NULL, j->body, j->extra,
			     &j->r);
	curl_easy_cleanup(h);
	return NULL;
}

/* Sends every job at once, a thread and a connection each; 0 when every one was answered. */
static int run_parallel(struct job *jobs, int n)
{
	pthread_t tid[CREATORS];
	struct slot slots[CREATORS];
	pthread_barrier_t go;
	int failed = 0;
	pthread_barrier_init(&go, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		slots[i] = (struct slot){ &jobs[i], &go };
		if (pthread_create(&tid[i], NULL, writer, &slots[i]) != 0)
			abort();
	}
	for (int i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		failed |= jobs[i].rc != 0;
	}
	pthread_barrier_destroy(&go);
	return failed ? -1 : 0;
}

/* ---- what a mix looks like ------------------------------------------------------------ */

/* How many writers' tags ("wNN") appear in s. */
static int writers_in(const char *s)
{
	char seen[100] = { 0 };
	int n = 0;
	for (const char *p = s; *p; p++) {
		if (p[0] != 'w' || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
			continue;
		if (p > s && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z')))
			continue;
		int w = (p[1] - '0') * 10 + (p[2] - '0');
		n += !seen[w];
		seen[w] = 1;
	}
	return n;
}

/* Whether every "|"-separated list of "x@position" items has positions 0..n-1, each once. */
static int positions_ok(const char *rows)
{
	for (const char *p = rows; *p; ) {
		size_t len = strcspn(p, "|");
		int count = 0, max = -1;
		char seen[128] = { 0 };
		for (const char *q = p; q < p + len; q++) {
			if (*q != '@')
				continue;
			int pos = atoi(q + 1);
			if (pos < 0 || pos > 127 || seen[pos])
				return 0;
			seen[pos] = 1;
			count++;
			max = pos > max ? pos : max;
		}
		if (max != count - 1)
			return 0;
		p += p[len] ? len + 1 : len;
	}
	return 1;
}

/* ---- the driver ----------------------------------------------------------------------- */

typedef void (*writer_text)(int round, int w, const struct job *j, char *b, size_t n);

/* N writers on one resource for some rounds. Every writer answers status (with
 * first_status: exactly one answers that, and first_body when given); answers are
 * first_body, rest_body or the writer's answer(). The resource read back answers
 * read_status with one writer's expect() (or read_body), and rows_sql on rows_key gives
 * that same writer's rows() (or rows_left). */
struct race {
	const char *what;
	int writers, rounds;
	void (*prepare)(int round);         /* fixtures of the round; sets target, read_*, rows_key */
	void (*request)(int round, int w, struct job *j);
	long status;
	long first_status;
	const char *first_body;
	const char *rest_body;
	long alt_status;                    /* another answer the others may give (0: none) */
	const char *alt_body;
	int winner_only;                    /* the read-back must be the first_status writer's */
	writer_text answer;
	long read_status;
	const char *read_body;
	writer_text expect;
	const char *rows_sql;
	const char *rows_left;
	writer_text rows;
};

static char target[512];        /* the path every writer writes */
static char read_path[512];     /* where the resource is read back */
static char read_req[256];      /* "": GET read_path; else POST this there */
static char rows_key[128];      /* rows_sql's $1 */
static char if_match[128];      /* "If-Match: <the ETag read before the round>" */

static void set_job(struct job *j, const char *method, const char *extra, char *body)
{
	j->method = method;
	j->extra = extra;
	j->body = body;
	snprintf(j->path, sizeof(j->path), "%s", target);
}

static int is_first(const struct race *c, const struct job *j)
{
	return c->first_status && j->r.status == c->first_status &&
	       (c->first_body == NULL || strcmp(j->r.body, c->first_body) == 0);
}

static void expected_answer(const struct race *c, int round, int w, const struct job *j, char *b, size_t n)
{
	const char *fixed = c->rest_body;
	if (is_first(c, j))
		fixed = c->first_body;
	else if (c->alt_status && j->r.status == c->alt_status)
		fixed = c->alt_body;
	if (fixed != NULL)
		snprintf(b, n, "%s", fixed);
	else
		c->answer(round, w, j, b, n);
}

/* " 200 x15 412 x1": how many writers answered each status. */
static void histogram(const struct job *jobs, int n, char *b, size_t size)
{
	b[0] = '\0';
	for (int w = 0; w < n; w++) {
		int k = 0, seen = 0;
		for (int x = 0; x < n; x++) {
			k += jobs[x].r.status == jobs[w].r.status;
			seen |= x < w && jobs[x].r.status == jobs[w].r.status;
		}
		if (!seen)
			append(b, size, " %ld x%d", jobs[w].r.status, k);
	}
}

static int dumps;       /* full bodies are printed for the first failing round of a test only */

/* Checks the answers of a round; returns the one first_status writer, or -1. */
static int check_answers(const struct race *c, int round, const struct job *jobs)
{
	int first = -1, nfirst = 0, bad_status = 0, bad_body = 0;
	char hist[512], odd[160] = "", want[BODY_MAX];
	histogram(jobs, c->writers, hist, sizeof(hist));
	for (int w = 0; w < c->writers; w++) {
		const struct job *j = &jobs[w];
		if (is_first(c, j)) {
			nfirst++;
			first = w;
		} else if (j->r.status != c->status && (c->alt_status == 0 || j->r.status != c->alt_status)) {
			if (bad_status++ == 0)
				snprintf(odd, sizeof(odd), "; writer %d: %ld %.100s", w, j->r.status, j->r.body);
			continue;
		}
		expected_answer(c, round, w, j, want, sizeof(want));
		if (strcmp(j->r.body, want) != 0 && bad_body++ == 0 && dumps == 0)
			fprintf(stderr, "\n    %s, round %d, writer %d: %ld %s\n      expected %s", c->what, round, w,
				j->r.status, j->r.body, want);
	}
	if (c->first_status)
		CHECK(nfirst == 1, "%s, round %d: %d of %d writers succeeded, not exactly one; statuses:%s", c->what,
		      round, nfirst, c->writers, hist);
	CHECK(bad_status == 0, "%s, round %d: %d of %d writers answered an unexpected status; statuses:%s%s", c->what,
	      round, bad_status, c->writers, hist, odd);
	CHECK(bad_body == 0, "%s, round %d: %d answers with the expected status have another body", c->what, round,
	      bad_body);
	return nfirst == 1 ? first : -1;
}

/* The writer (only that one, if only >= 0) whose fn() text got is, or -1. */
static int whose(const struct race *c, int round, const struct job *jobs, int only, writer_text fn, const char *got)
{
	char want[BODY_MAX];
	for (int w = 0; w < c->writers; w++) {
		if (only >= 0 && w != only)
			continue;
		fn(round, w, &jobs[w], want, sizeof(want));
		if (strcmp(got, want) == 0)
			return w;
	}
	return -1;
}

static void check_read_back(const struct race *c, int round, const struct job *jobs, int first)
{
	struct http_resp r;
	int rc = read_req[0] ? tc_json("POST", read_path, read_req, &r)
			     : tc_call(NULL, "GET", read_path, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CHECK(r.status == c->read_status, "%s, round %d: read-back answered %ld, not %ld", c->what, round, r.status,
	      c->read_status);
	const char *t = tc_sql_text(c->rows_sql, rows_key);
	char rows[BODY_MAX];
	snprintf(rows, sizeof(rows), "%s", t ? t : "(no row)");
	if (c->read_body != NULL) {
		if ((strcmp(r.body, c->read_body) != 0 || strcmp(rows, c->rows_left) != 0) && dumps++ == 0)
			fprintf(stderr, "\n    %s, round %d: read %s\n      rows %s", c->what, round, r.body, rows);
		CHECK(strcmp(r.body, c->read_body) == 0, "%s, round %d: read-back is not the body expected", c->what,
		      round);
		CHECK(strcmp(rows, c->rows_left) == 0, "%s, round %d: rows left: %.40s, not %s", c->what, round, rows,
		      c->rows_left);
		tc_resp_free(&r);
		return;
	}
	int only = !c->winner_only ? -1 : first >= 0 ? first : c->writers;   /* no winner: nobody */
	int wb = whose(c, round, jobs, only, c->expect, r.body);
	int wr = whose(c, round, jobs, only, c->rows, rows);
	int tags = writers_in(r.body), rtags = writers_in(rows), pos = positions_ok(rows);
	if ((wb < 0 || wr != wb) && dumps++ == 0)
		fprintf(stderr, "\n    %s, round %d: read-back (tags of %d writers) %s\n      rows (tags of %d writers%s) %s",
			c->what, round, tags, r.body, rtags, pos ? "" : ", positions not 0..n-1", rows);
	char what[64] = "", rwhat[160];
	if (tags > 1)
		snprintf(what, sizeof(what), " (tags of %d writers in it)", tags);
	if (rtags > 1)
		snprintf(rwhat, sizeof(rwhat), " (tags of %d writers%s)", rtags,
			 pos ? "" : "; list positions not 0..n-1 each once");
	else
		snprintf(rwhat, sizeof(rwhat), ": %.100s", rows);
	CHECK(wb >= 0, "%s, round %d: read-back is no%s writer's whole body%s", c->what, round,
	      c->winner_only ? "t the winning" : "", what);
	CHECK(wr >= 0 && wr == wb, "%s, round %d: rows are not the read-back writer's%s", c->what, round, rwhat);
	tc_resp_free(&r);
}

static void run_race(const struct race *c)
{
	struct job jobs[CREATORS];
	dumps = 0;
	for (int round = 0; round < c->rounds; round++) {
		memset(jobs, 0, sizeof(jobs));
		if_match[0] = '\0';
		read_req[0] = '\0';
		c->prepare(round);
		for (int w = 0; w < c->writers; w++)
			c->request(round, w, &jobs[w]);
		int rc = run_parallel(jobs, c->writers);
		CHECK(rc == 0, "%s, round %d: a request got no HTTP answer (transport error above)", c->what, round);
		if (rc == 0)
			check_read_back(c, round, jobs, check_answers(c, round, jobs));
		for (int w = 0; w < c->writers; w++) {
			free(jobs[w].body);
			tc_resp_free(&jobs[w].r);
		}
	}
}

/* ---- fixtures and small callbacks --------------------------------------------------- */

/* POSTs body to path and returns the answer's first "id" (0 unless it answered want). */
static long post_id(const char *path, const char *body, long want)
{
	struct http_resp r;
	long id = 0;
	CU_ASSERT_EQUAL_FATAL(tc_json("POST", path, body, &r), 0);
	if (r.status != want)
		fprintf(stderr, "\n    POST %s -> %ld %s", path, r.status, r.body);
	CU_ASSERT_EQUAL(r.status, want);
	const char *p = strstr(r.body, "id\":");
	if (r.status == want && p != NULL)
		id = atol(p + 4);
	const char *secret = strstr(r.body, "\"client_secret\":\"");
	if (secret != NULL) {
		char s[65];
		snprintf(s, sizeof(s), "%.64s", secret + 17);
		tc_remember_secret(s);
	}
	tc_resp_free(&r);
	return id;
}

static long new_server(const char *name)
{
	char body[256];
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"configuration\":{\"resource_identifier\":\"urn:conc\","
		 "\"audiences\":[\"x\",\"y\"]}}", name);
	long id = post_id(OL, body, 201);
	CU_ASSERT_FATAL(id > 0);
	return id;
}

static long new_app(const char *name)
{
	char body[128];
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	long id = post_id("/api/2/apps", body, 201);
	CU_ASSERT_FATAL(id > 0);
	return id;
}

/* Points the writers at path, the read-back at read (NULL: path) and the rows at key. */
static void aim(const char *path, const char *read, long key)
{
	snprintf(target, sizeof(target), "%s", path);
	snprintf(read_path, sizeof(read_path), "%s", read ? read : path);
	snprintf(rows_key, sizeof(rows_key), "%ld", key);
}

static void delete_request(int round, int w, struct job *j)
{
	(void)round, (void)w;
	set_job(j, "DELETE", if_match[0] ? if_match : NULL, NULL);
}

/* OneLogin deleters: one 204 with no body, the others 404. */
#define OL_DELETES .request = delete_request, .status = 404, .first_status = 204, .first_body = "", \
	.rest_body = NOT_FOUND

/* The answer of a write that names the resource written: {"id":N}. */
static long answer_id;
static void id_answer(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)round, (void)w, (void)j;
	snprintf(b, n, "{\"id\":%ld}", answer_id);
}

/* PUTs the object a writer's expect() shows ("{\"id\":N,...}", or the one element of
 * "[{\"id\":N,...}]") without its leading "id". */
static void put_without_id(writer_text expect, int round, int w, struct job *j)
{
	char b[BODY_MAX];
	expect(round, w, j, b, sizeof(b));
	if (b[0] == '[')
		b[strlen(b) - 1] = '\0';
	const char *rest = strchr(b, ',');
	set_job(j, "PUT", NULL, dup_printf("{%s", rest ? rest + 1 : "}"));
}

/* ---- OneLogin servers ---------------------------------------------------------------- */

static long srv;

/* Server writer w PUTs in a round, as GET shows it; the PUT body is this without "id". */
static void srv_expect(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	snprintf(b, n, "{\"id\":%ld,\"name\":\"r%d w%02d\",\"description\":\"server r%d w%02d\",\"configuration\":"
		 "{\"resource_identifier\":\"urn:r%d:w%02d\",\"audiences\":[", srv, round, w, round, w, round, w);
	for (int k = 0; k <= w; k++)
		append(b, n, "%s\"https://r%d.w%02d.example/a%d\"", k ? "," : "", round, w, k);
	append(b, n, "],\"access_token_expiration_minutes\":%d,\"refresh_token_expiration_minutes\":%d}}", 1 + w,
	       100 + w);
}

static void srv_rows(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	b[0] = '\0';
	for (int k = 0; k <= w; k++)
		append(b, n, "%shttps://r%d.w%02d.example/a%d@%d", k ? "," : "", round, w, k, k);
	append(b, n, " | client_credentials@0 | urn:r%d:w%02d|%d|%d | r%d w%02d|server r%d w%02d", round, w, 1 + w,
	       100 + w, round, w, round, w);
}

static void srv_request(int round, int w, struct job *j)
{
	put_without_id(srv_expect, round, w, j);
}

static void srv_target(int round)
{
	char path[64];
	(void)round;
	snprintf(path, sizeof(path), OL "/%ld", srv);
	aim(path, NULL, srv);
	answer_id = srv;
}

static void test_server_put(void)
{
	srv = new_server("conc put");
	const struct race c = {
		.what = "OneLogin server PUT", .writers = WRITERS, .rounds = ROUNDS, .prepare = srv_target,
		.request = srv_request, .status = 200, .answer = id_answer, .read_status = 200, .expect = srv_expect,
		.rows = srv_rows,
		.rows_sql = "SELECT concat_ws(' | ',"
			    " (SELECT string_agg(audience || '@' || position, ',' ORDER BY position, audience)"
			    "  FROM server_audiences WHERE server_id = $1::bigint),"
			    " (SELECT string_agg(g.name || '@' || sg.position, ',' ORDER BY sg.position, g.name)"
			    "  FROM server_grant_types sg JOIN grant_types g ON g.id = sg.grant_type_id"
			    "  WHERE sg.server_id = $1::bigint),"
			    " (SELECT concat_ws('|', resource_identifier, access_token_lifetime_minutes,"
			    "  refresh_token_lifetime_minutes) FROM server_configurations WHERE server_id = $1::bigint),"
			    " (SELECT concat_ws('|', name, description) FROM servers WHERE id = $1::bigint))",
	};
	run_race(&c);
}

/* A fresh server with a scope, a claim and a linked app, so the delete has rows to take. */
static void srv_fresh(int round)
{
	char name[32], path[128], body[128];
	snprintf(name, sizeof(name), "conc delete r%d", round);
	srv = new_server(name);
	snprintf(path, sizeof(path), OL "/%ld/scopes", srv);
	long scope = post_id(path, "{\"value\":\"s\",\"description\":\"d\"}", 200);
	snprintf(path, sizeof(path), OL "/%ld/claims", srv);
	post_id(path, "{\"name\":\"c\"}", 200);
	snprintf(path, sizeof(path), OL "/%ld/clients", srv);
	snprintf(body, sizeof(body), "{\"app_id\":%ld,\"scopes\":[%ld]}", new_app(name), scope);
	post_id(path, body, 201);
	srv_target(round);
}

static void test_server_delete(void)
{
	const struct race c = {
		.what = "OneLogin server DELETE", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = srv_fresh,
		OL_DELETES,
		.read_status = 404, .read_body = NOT_FOUND, .rows_sql = SERVER_ROWS_LEFT, .rows_left = "0",
	};
	run_race(&c);
}

/* ---- OneLogin scopes and claims -------------------------------------------------------- */

static long child;      /* the scope or claim written */

static void child_target(const char *kind)
{
	char path[128], list[128];
	snprintf(path, sizeof(path), OL "/%ld/%s/%ld", srv, kind, child);
	snprintf(list, sizeof(list), OL "/%ld/%s", srv, kind);
	aim(path, list, child);
	answer_id = child;
}

/* POSTs a scope or claim to srv and aims the writers at it. */
static void child_new(const char *kind, const char *body)
{
	char path[128];
	snprintf(path, sizeof(path), OL "/%ld/%s", srv, kind);
	child = post_id(path, body, 200);
	CU_ASSERT_FATAL(child > 0);
	child_target(kind);
}

/* As GET .../scopes shows the one scope; the PUT body is the object without "id". */
static void scope_expect(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	snprintf(b, n, "[{\"id\":%ld,\"value\":\"r%d-w%02d\",\"description\":\"scope r%d w%02d%.*s\"}]", child, round,
		 w, round, w, w, "................");
}

static void scope_rows(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	snprintf(b, n, "r%d-w%02d|scope r%d w%02d%.*s", round, w, round, w, w, "................");
}

static void scope_request(int round, int w, struct job *j)
{
	put_without_id(scope_expect, round, w, j);
}

static void scope_target(int round)
{
	(void)round;
	child_target("scopes");
}

static void test_scope_put(void)
{
	srv = new_server("conc scopes");
	child_new("scopes", "{\"value\":\"first\",\"description\":\"first\"}");
	const struct race c = {
		.what = "OneLogin scope PUT", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = scope_target,
		.request = scope_request, .status = 200, .answer = id_answer, .read_status = 200,
		.expect = scope_expect, .rows = scope_rows,
		.rows_sql = "SELECT value || '|' || description FROM server_scopes WHERE id = $1::bigint",
	};
	run_race(&c);
}

static void scope_fresh(int round)
{
	char body[128];
	snprintf(body, sizeof(body), "{\"value\":\"del-r%d\",\"description\":\"d\"}", round);
	child_new("scopes", body);
}

static void test_scope_delete(void)
{
	srv = new_server("conc scope deletes");
	const struct race c = {
		.what = "OneLogin scope DELETE", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = scope_fresh,
		OL_DELETES,
		.read_status = 200, .read_body = "[]", .rows_left = "0",
		.rows_sql = "SELECT (SELECT count(*) FROM server_scopes WHERE id = $1::bigint)"
			    " + (SELECT count(*) FROM server_application_scopes WHERE scope_id = $1::bigint)",
	};
	run_race(&c);
}

/* As GET .../claims shows the one claim: every field, "values" as long as the writer's number. */
static void claim_expect(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	snprintf(b, n, "[{\"id\":%ld,\"name\":\"r%d-w%02d\",\"label\":\"label w%02d\",\"user_attribute_mappings\":"
		 "\"map r%d w%02d\",\"user_attribute_macros\":\"{macro w%02d}\",\"attributes_transformations\":"
		 "\"t r%d w%02d\",\"skip_if_blank\":%s,\"values\":[", child, round, w, w, round, w, w, round, w,
		 w & 1 ? "true" : "false");
	for (int k = 0; k <= w; k++)
		append(b, n, "%s\"r%d.w%02d.v%d\"", k ? "," : "", round, w, k);
	append(b, n, "],\"default_values\":\"dv w%02d\",\"provisioned_entitlements\":%s}]", w, w & 2 ? "true" : "false");
}

static void claim_rows(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	snprintf(b, n, "r%d-w%02d|label w%02d|map r%d w%02d|{macro w%02d}|t r%d w%02d|%c|", round, w, w, round, w, w,
		 round, w, w & 1 ? 't' : 'f');
	for (int k = 0; k <= w; k++)
		append(b, n, "%sr%d.w%02d.v%d", k ? "," : "", round, w, k);
	append(b, n, "|dv w%02d|%c", w, w & 2 ? 't' : 'f');
}

static void claim_request(int round, int w, struct job *j)
{
	put_without_id(claim_expect, round, w, j);
}

static void claim_target(int round)
{
	(void)round;
	child_target("claims");
}

static void test_claim_put(void)
{
	srv = new_server("conc claims");
	child_new("claims", "{\"name\":\"first\"}");
	const struct race c = {
		.what = "OneLogin claim PUT", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = claim_target,
		.request = claim_request, .status = 200, .answer = id_answer, .read_status = 200,
		.expect = claim_expect, .rows = claim_rows,
		.rows_sql = "SELECT concat_ws('|', name, label, user_attribute_mappings, user_attribute_macros,"
			    " attributes_transformations, skip_if_blank, (SELECT string_agg(v, ',' ORDER BY o) FROM"
			    " jsonb_array_elements_text(\"values\") WITH ORDINALITY AS t(v, o)), default_values,"
			    " provisioned_entitlements) FROM server_claims WHERE id = $1::bigint",
	};
	run_race(&c);
}

static void claim_fresh(int round)
{
	char body[128];
	snprintf(body, sizeof(body), "{\"name\":\"del-r%d\",\"values\":[\"a\",\"b\"]}", round);
	child_new("claims", body);
}

static void test_claim_delete(void)
{
	srv = new_server("conc claim deletes");
	const struct race c = {
		.what = "OneLogin claim DELETE", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = claim_fresh,
		OL_DELETES,
		.read_status = 200, .read_body = "[]", .rows_left = "0",
		.rows_sql = "SELECT count(*) FROM server_claims WHERE id = $1::bigint",
	};
	run_race(&c);
}

/* ---- OneLogin client links -------------------------------------------------------------- */

#define POOL (2 * WRITERS)
static long app, pool[POOL];     /* the linked app; the server's scopes */

/* Writer w's scopes in a round: pool[k..2k], k = (w + round) mod WRITERS, so no writer's
 * list is part of another's and each has its own length. */
static int pool_first(int round, int w)
{
	return (w + round) % WRITERS;
}

static void link_expect(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	int k = pool_first(round, w);
	snprintf(b, n, "[{\"app_id\":%ld,\"api_auth_id\":%ld,\"name\":\"conc client\",\"scopes\":[", app, srv);
	for (int i = k; i <= 2 * k; i++)
		append(b, n, "%s{\"id\":%ld,\"value\":\"cs%02d\",\"description\":\"scope %02d\"}", i > k ? "," : "",
		       pool[i], i, i);
	append(b, n, "]}]");
}

static void link_rows(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	int k = pool_first(round, w);
	b[0] = '\0';
	for (int i = k; i <= 2 * k; i++)
		append(b, n, "%s%ld", i > k ? "," : "", pool[i]);
}

static void link_answer(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)round, (void)w, (void)j;
	snprintf(b, n, "{\"app_id\":%ld,\"api_auth_id\":%ld}", app, srv);
}

static void link_request(int round, int w, struct job *j)
{
	char ids[BODY_MAX];
	link_rows(round, w, j, ids, sizeof(ids));
	set_job(j, "PUT", NULL, dup_printf("{\"scopes\":[%s]}", ids));
}

static void link_target(int round)
{
	char path[128], list[128];
	(void)round;
	snprintf(path, sizeof(path), OL "/%ld/clients/%ld", srv, app);
	snprintf(list, sizeof(list), OL "/%ld/clients", srv);
	aim(path, list, 0);
	snprintf(rows_key, sizeof(rows_key), "%ld/%ld", srv, app);
}

#define LINK_ROWS(what) \
	"SELECT " what " FROM server_application_scopes" \
	" WHERE server_id = split_part($1, '/', 1)::bigint AND application_id = split_part($1, '/', 2)::bigint"

/* A server with POOL scopes and the app "conc client", with link: linked with no scope. */
static void link_fixture(int link)
{
	char path[128], body[128];
	srv = new_server("conc links");
	snprintf(path, sizeof(path), OL "/%ld/scopes", srv);
	for (int i = 0; i < POOL; i++) {
		snprintf(body, sizeof(body), "{\"value\":\"cs%02d\",\"description\":\"scope %02d\"}", i, i);
		pool[i] = post_id(path, body, 200);
	}
	app = new_app("conc client");
	if (link) {
		snprintf(path, sizeof(path), OL "/%ld/clients", srv);
		snprintf(body, sizeof(body), "{\"app_id\":%ld,\"scopes\":[]}", app);
		post_id(path, body, 201);
	}
}

static void test_link_put(void)
{
	link_fixture(1);
	const struct race c = {
		.what = "OneLogin client link PUT", .writers = WRITERS, .rounds = ROUNDS, .prepare = link_target,
		.request = link_request, .status = 200, .answer = link_answer, .read_status = 200,
		.expect = link_expect, .rows = link_rows,
		.rows_sql = LINK_ROWS("string_agg(scope_id::text, ',' ORDER BY scope_id)"),
	};
	run_race(&c);
}

static void link_fresh(int round)
{
	char path[128], body[128];
	snprintf(path, sizeof(path), OL "/%ld/clients", srv);
	snprintf(body, sizeof(body), "{\"app_id\":%ld,\"scopes\":[%ld,%ld]}", app, pool[round], pool[round + 1]);
	post_id(path, body, 201);
	link_target(round);
}

static void test_link_delete(void)
{
	link_fixture(0);
	const struct race c = {
		.what = "OneLogin client link DELETE", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = link_fresh,
		OL_DELETES,
		.read_status = 200, .read_body = "[]", .rows_left = "0",
		.rows_sql = "SELECT (" LINK_ROWS("count(*)") ") + (SELECT count(*) FROM server_applications"
			    " WHERE server_id = split_part($1, '/', 1)::bigint"
			    " AND application_id = split_part($1, '/', 2)::bigint)",
	};
	run_race(&c);
}

/* ---- OneLogin apps ---------------------------------------------------------------------- */

static char app_client_id[64], app_created[64];

/* The updated_at of the writer's answer ("?" if none). */
static const char *updated_at(const struct job *j, char out[64])
{
	const char *u = j->r.body ? strstr(j->r.body, "\"updated_at\":\"") : NULL;
	snprintf(out, 64, "%.*s", u ? (int)strcspn(u + 14, "\"") : 1, u ? u + 14 : "?");
	return out;
}

/* What writer w's PUT answers, and what GET shows after it: the app with that write's
 * updated_at, taken from the writer's own answer. */
static void app_expect(int round, int w, const struct job *j, char *b, size_t n)
{
	char u[64];
	snprintf(b, n, "{\"id\":%ld,\"connector_id\":null,\"name\":\"r%d w%02d\",\"description\":\"app r%d w%02d%.*s\","
		 "\"created_at\":\"%s\",\"updated_at\":\"%s\",\"sso\":{\"client_id\":\"%s\"}}", app, round, w, round,
		 w, w, "................", app_created, updated_at(j, u), app_client_id);
}

static void app_rows(int round, int w, const struct job *j, char *b, size_t n)
{
	char u[64];
	snprintf(b, n, "r%d w%02d|app r%d w%02d%.*s|%s", round, w, round, w, w, "................", updated_at(j, u));
}

static void app_request(int round, int w, struct job *j)
{
	set_job(j, "PUT", NULL, dup_printf("{\"name\":\"r%d w%02d\",\"description\":\"app r%d w%02d%.*s\"}", round, w,
					   round, w, w, "................"));
}

static void app_target(int round)
{
	char path[64];
	(void)round;
	snprintf(path, sizeof(path), "/api/2/apps/%ld", app);
	aim(path, NULL, app);
}

#define APP_ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

static void test_app_put(void)
{
	app = new_app("conc app");
	char key[32];
	snprintf(key, sizeof(key), "%ld", app);
	const char *t = tc_sql_text("SELECT client_id || ' ' || " APP_ISO("created_at") " FROM applications "
				    "WHERE id = $1::bigint", key);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL_FATAL(sscanf(t, "%63s %63s", app_client_id, app_created), 2);
	const struct race c = {
		.what = "OneLogin app PUT", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = app_target,
		.request = app_request, .status = 200, .answer = app_expect, .read_status = 200,
		.expect = app_expect, .rows = app_rows,
		.rows_sql = "SELECT concat_ws('|', name, description, " APP_ISO("updated_at") ") FROM applications"
			    " WHERE id = $1::bigint",
	};
	run_race(&c);
}

/* A fresh app, linked to srv with one of its scopes. */
static void app_fresh(int round)
{
	char name[32], path[128], body[128];
	snprintf(name, sizeof(name), "conc delete r%d", round);
	app = new_app(name);
	snprintf(path, sizeof(path), OL "/%ld/clients", srv);
	snprintf(body, sizeof(body), "{\"app_id\":%ld,\"scopes\":[%ld]}", app, pool[0]);
	post_id(path, body, 201);
	app_target(round);
}

static void test_app_delete(void)
{
	link_fixture(0);
	const struct race c = {
		.what = "OneLogin app DELETE", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = app_fresh,
		OL_DELETES,
		.read_status = 404, .read_body = NOT_FOUND, .rows_left = "0",
		.rows_sql = "SELECT (SELECT count(*) FROM applications WHERE id = $1::bigint)"
			    " + (SELECT count(*) FROM application_secrets WHERE application_id = $1::bigint)"
			    " + (SELECT count(*) FROM server_applications WHERE application_id = $1::bigint)"
			    " + (SELECT count(*) FROM server_application_scopes WHERE application_id = $1::bigint)",
	};
	run_race(&c);
}

/* ---- authzd-native application secrets ------------------------------------------------ */

#define SECRETS "/api/authzd/v1/apps/%ld/secrets"

/* 16 writers add a secret to one application at once: every one is stored, each once. */
static void test_secret_add(void)
{
	long a = new_app("conc secrets");
	char key[32];
	snprintf(key, sizeof(key), "%ld", a);
	struct job jobs[WRITERS];
	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < WRITERS; i++) {
		jobs[i].method = "POST";
		snprintf(jobs[i].path, sizeof(jobs[i].path), SECRETS, a);
	}
	CU_ASSERT_FATAL(run_parallel(jobs, WRITERS) == 0);
	for (int i = 0; i < WRITERS; i++) {
		CU_ASSERT_EQUAL(jobs[i].r.status, 201);
		CU_ASSERT_PTR_NOT_NULL(strstr(jobs[i].r.body, "\"client_secret\":\""));
		tc_resp_free(&jobs[i].r);
	}
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM application_secrets WHERE application_id = $1::bigint",
				    key, NULL, NULL), WRITERS + 1);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(DISTINCT secret_hash) FROM application_secrets "
				    "WHERE application_id = $1::bigint", key, NULL, NULL), WRITERS + 1);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events WHERE action = 'application.secret.add' "
				    "AND object_id = $1", key, NULL, NULL), WRITERS);
}

/* An application with two secrets; half the writers retire one, half the other, at once:
 * exactly one succeeds (the application's lock orders them), the others hear that the last
 * secret stays (409) or that theirs is gone (404), and one secret is left. */
static void test_secret_retire(void)
{
	static const char *const LAST =
		"{\"message\":\"An application keeps at least one secret\",\"statusCode\":409,\"name\":\"ConflictError\"}";
	for (int round = 0; round < FEW_ROUNDS; round++) {
		long a = new_app("conc retire");
		char key[32];
		snprintf(key, sizeof(key), "%ld", a);
		post_id(tc_fmt(SECRETS, a), NULL, 201);
		long first = tc_sql_long("SELECT min(id) FROM application_secrets WHERE application_id = $1::bigint",
					 key, NULL, NULL);
		long second = tc_sql_long("SELECT max(id) FROM application_secrets WHERE application_id = $1::bigint",
					  key, NULL, NULL);
		CU_ASSERT_FATAL(first > 0 && second > first);
		struct job jobs[WRITERS];
		memset(jobs, 0, sizeof(jobs));
		for (int i = 0; i < WRITERS; i++) {
			jobs[i].method = "DELETE";
			snprintf(jobs[i].path, sizeof(jobs[i].path), SECRETS "/%ld", a, i % 2 ? second : first);
		}
		CU_ASSERT_FATAL(run_parallel(jobs, WRITERS) == 0);
		int ok = 0, last = 0, gone = 0;
		for (int i = 0; i < WRITERS; i++) {
			if (jobs[i].r.status == 204 && jobs[i].r.body_len == 0)
				ok++;
			else if (jobs[i].r.status == 409 && strcmp(jobs[i].r.body, LAST) == 0)
				last++;
			else if (jobs[i].r.status == 404 && strcmp(jobs[i].r.body, NOT_FOUND) == 0)
				gone++;
			else
				fprintf(stderr, "\n    retire -> %ld %s", jobs[i].r.status, jobs[i].r.body);
			tc_resp_free(&jobs[i].r);
		}
		CU_ASSERT_EQUAL(ok, 1);
		CU_ASSERT_EQUAL(ok + last + gone, WRITERS);
		CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM application_secrets WHERE application_id = $1::bigint",
					    key, NULL, NULL), 1);
		CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events WHERE action = 'application.secret.retire' "
					    "AND object_id = $1", key, NULL, NULL), 1);
	}
}

/* ---- Azure authorizationServers ---------------------------------------------------------- */

static char az_svc[64], az_name[64];

enum { L_GRANT, L_GRANT_ROW, L_METHOD, L_CLIENT_AUTH, L_BEARER };

/* Item k of writer w's list, or NULL past its end: every list has its own length and order. */
static const char *az_item(int list, int w, int k)
{
	static const char *const grants[] = { "authorizationCode", "implicit", "resourceOwnerPassword",
					      "clientCredentials" };
	static const char *const grant_rows[] = { "authorization_code", "implicit", "password", "client_credentials" };
	static const char *const verbs[] = { "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE" };
	static const char *const auth[] = { "Basic", "Body" }, *const bearer[] = { "authorizationHeader", "query" };
	int p = (list == L_BEARER ? w / 4 : w) % 4;     /* pairs: [0] [1] [0,1] [1,0] */
	switch (list) {
	case L_GRANT:
	case L_GRANT_ROW:
		return k > w % 4 ? NULL : (list == L_GRANT ? grants : grant_rows)[(w / 4 + k) % 4];
	case L_METHOD:
		return k > w % 7 ? NULL : k == 0 ? "GET" : verbs[(w / 7 + k - 1) % 7];
	default:
		if (k > (p >= 2))
			return NULL;
		return (list == L_CLIENT_AUTH ? auth : bearer)[p == 0 ? 0 : p == 1 ? 1 : p == 2 ? k : 1 - k];
	}
}

static void az_list(char *b, size_t n, const char *key, int list, int w)
{
	append(b, n, "\"%s\":[", key);
	for (int k = 0; az_item(list, w, k) != NULL; k++)
		append(b, n, "%s\"%s\"", k ? "," : "", az_item(list, w, k));
	append(b, n, "],");
}

enum { AZ_FULL, AZ_PATCHED, AZ_PATCH };

/* Writer w's properties, in the order the API shows them. AZ_FULL: every property the
 * writer's own; AZ_PATCHED: the name, client id and lists the writer's, the rest the base
 * every PATCH case starts from; AZ_PATCH: what such a PATCH sends. */
static void az_props(int round, int w, int mode, char *b, size_t n)
{
	char host[32];
	int own = mode == AZ_FULL;
	if (own)
		snprintf(host, sizeof(host), "r%d.w%02d.example", round, w);
	else
		snprintf(host, sizeof(host), "base.example");
	snprintf(b, n, "{\"displayName\":\"r%d w%02d\",", round, w);
	if (mode != AZ_PATCH)
		append(b, n, "\"description\":\"%s%s\",\"clientRegistrationEndpoint\":\"https://%s/reg\","
		       "\"authorizationEndpoint\":\"https://%s/auth\",", own ? "server of " : "base", own ? host : "",
		       host, host);
	az_list(b, n, "authorizationMethods", L_METHOD, w);
	az_list(b, n, "clientAuthenticationMethod", L_CLIENT_AUTH, w);
	append(b, n, "\"tokenBodyParameters\":[");
	for (int k = 0; k <= w; k++)
		append(b, n, "%s{\"name\":\"w%02d-p%d\",\"value\":\"r%d-v%d\"}", k ? "," : "", w, k, round, k);
	append(b, n, "],");
	if (mode != AZ_PATCH)
		append(b, n, "\"tokenEndpoint\":\"https://%s/token\",\"supportState\":%s,\"defaultScope\":\"%s\",", host,
		       own && (w & 1) ? "true" : "false", own ? host : "base");
	az_list(b, n, "grantTypes", L_GRANT, w);
	az_list(b, n, "bearerTokenSendingMethods", L_BEARER, w);
	append(b, n, "\"clientId\":\"client-r%d-w%02d\"", round, w);
	if (mode != AZ_PATCH)
		append(b, n, ",\"useInTestConsole\":%s,\"useInApiDocumentation\":%s", own && (w & 2) ? "false" : "true",
		       own && (w & 4) ? "true" : "false");
	append(b, n, "}");
}

static void az_entity(int round, int w, int mode, char *b, size_t n)
{
	char props[BODY_MAX];
	az_props(round, w, mode, props, sizeof(props));
	snprintf(b, n, "{\"id\":\"" SVC_PATH "%s/authorizationServers/%s\",\"type\":\"Microsoft.ApiManagement/service/"
		 "authorizationServers\",\"name\":\"%s\",\"properties\":%s}", az_svc, az_name, az_name, props);
}

static void az_full(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	az_entity(round, w, AZ_FULL, b, n);
}

static void az_patched(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	az_entity(round, w, AZ_PATCHED, b, n);
}

static void az_rows_list(char *b, size_t n, int list, int w)
{
	for (int k = 0; az_item(list, w, k) != NULL; k++)
		append(b, n, "%s%s@%d", k ? "," : "", az_item(list, w, k), k);
	append(b, n, " | ");
}

/* services of the triple | servers of the name | grant types | the three method lists |
 * token body parameters | displayName|clientId: each "item@position". */
static void az_rows(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	snprintf(b, n, "1 | 1 | ");
	az_rows_list(b, n, L_GRANT_ROW, w);
	az_rows_list(b, n, L_METHOD, w);
	az_rows_list(b, n, L_CLIENT_AUTH, w);
	az_rows_list(b, n, L_BEARER, w);
	for (int k = 0; k <= w; k++)
		append(b, n, "%sw%02d-p%d=r%d-v%d@%d", k ? "," : "", w, k, round, k, k);
	append(b, n, " | r%d w%02d|client-r%d-w%02d", round, w, round, w);
}

#define AZ_METHODS(table) \
	" coalesce((SELECT string_agg(x.method || '@' || x.position, ',' ORDER BY x.position, x.method)" \
	"  FROM s JOIN " table " x ON x.server_id = s.id), ''),"
#define AZ_ROWS_SQL \
	"WITH s AS (SELECT s.id, s.name FROM servers s JOIN azure_services a ON a.id = s.azure_service_id" \
	"  WHERE a.subscription_id = '" SUB "' AND a.service_name = split_part($1, '/', 1)" \
	"  AND s.resource_name = split_part($1, '/', 2))" \
	" SELECT concat_ws(' | ', (SELECT count(*) FROM azure_services WHERE subscription_id = '" SUB "'" \
	"  AND service_name = split_part($1, '/', 1)), (SELECT count(*) FROM s)," \
	" coalesce((SELECT string_agg(g.name || '@' || x.position, ',' ORDER BY x.position, g.name) FROM s" \
	"  JOIN server_grant_types x ON x.server_id = s.id JOIN grant_types g ON g.id = x.grant_type_id), '')," \
	AZ_METHODS("server_authorization_methods") AZ_METHODS("server_client_authentication_methods") \
	AZ_METHODS("server_bearer_token_sending_methods") \
	" coalesce((SELECT string_agg(x.name || '=' || x.value || '@' || x.position, ',' ORDER BY x.position, x.name)" \
	"  FROM s JOIN server_token_body_parameters x ON x.server_id = s.id), '')," \
	" (SELECT string_agg(s.name || '|' || c.client_id, ',') FROM s JOIN server_configurations c" \
	"  ON c.server_id = s.id))"

static void az_aim(const char *svc, const char *name)
{
	char path[256], key[128];
	snprintf(path, sizeof(path), SVC_PATH "%s/authorizationServers/%s" V, svc, name);
	snprintf(key, sizeof(key), "%s/%s", svc, name);      /* svc and name may be az_svc and az_name */
	snprintf(az_svc, sizeof(az_svc), "%s", strtok(key, "/"));
	snprintf(az_name, sizeof(az_name), "%s", strtok(NULL, ""));
	aim(path, NULL, 0);
	snprintf(rows_key, sizeof(rows_key), "%s/%s", az_svc, az_name);
}

/* PUTs writer w's whole entity (AZ_FULL) or the base (AZ_PATCHED) to svc/name; the status. */
static long az_put(const char *svc, const char *name, int round, int w, int mode)
{
	struct http_resp r;
	char props[BODY_MAX], body[BODY_MAX + 32];
	az_aim(svc, name);
	az_props(round, w, mode, props, sizeof(props));
	snprintf(body, sizeof(body), "{\"properties\":%s}", props);
	CU_ASSERT_EQUAL_FATAL(tc_call(NULL, "PUT", target, "application/json", body, NULL, &r), 0);
	long status = r.status;
	if (status != 200 && status != 201)
		fprintf(stderr, "\n    PUT %s -> %ld %s", target, status, r.body);
	tc_resp_free(&r);
	return status;
}

/* Remembers the current ETag as "If-Match: ...". */
static void read_etag(void)
{
	struct http_resp r;
	CU_ASSERT_EQUAL_FATAL(tc_call(NULL, "GET", target, NULL, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	const char *e = tc_header(&r, "ETag");
	snprintf(if_match, sizeof(if_match), "If-Match: %s", e ? e : "\"none\"");
	tc_resp_free(&r);
}

static const char *az_extra;     /* the If-Match of the replace cases (NULL: none) */

static void az_put_request(int round, int w, struct job *j)
{
	char props[BODY_MAX];
	az_props(round, w, AZ_FULL, props, sizeof(props));
	set_job(j, "PUT", if_match[0] ? if_match : az_extra, dup_printf("{\"properties\":%s}", props));
}

static void az_patch_request(int round, int w, struct job *j)
{
	char props[BODY_MAX];
	az_props(round, w, AZ_PATCH, props, sizeof(props));
	set_job(j, "PATCH", if_match[0] ? if_match : az_extra, dup_printf("{\"properties\":%s}", props));
}

static void az_same(int round)
{
	(void)round;
	az_aim(az_svc, az_name);
}

static void az_same_with_etag(int round)
{
	az_same(round);
	read_etag();
}

static void az_replace(const char *what, const char *name, const char *extra, int patch)
{
	CU_ASSERT_EQUAL_FATAL(az_put("conc-svc", name, -1, 0, AZ_PATCHED), 201);
	az_extra = extra;
	struct race c = {
		.what = what, .writers = WRITERS, .rounds = ROUNDS, .prepare = az_same,
		.request = patch ? az_patch_request : az_put_request, .status = 200,
		.answer = patch ? az_patched : az_full, .read_status = 200, .expect = patch ? az_patched : az_full,
		.rows = az_rows, .rows_sql = AZ_ROWS_SQL,
	};
	run_race(&c);
}

static void test_az_put(void)
{
	az_replace("Azure PUT without If-Match", "put-plain", NULL, 0);
}

static void test_az_put_star(void)
{
	az_replace("Azure PUT If-Match: *", "put-star", "If-Match: *", 0);
}

static void test_az_patch_star(void)
{
	az_replace("Azure PATCH If-Match: *", "patch-star", "If-Match: *", 1);
}

/* Writers holding the ETag read before the round: exactly one write lands. */
static void az_etag_race(const char *what, const char *name, int patch)
{
	CU_ASSERT_EQUAL_FATAL(az_put("conc-svc", name, -1, 0, AZ_PATCHED), 201);
	struct race c = {
		.what = what, .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = az_same_with_etag,
		.request = patch ? az_patch_request : az_put_request, .status = 412, .first_status = 200,
		.rest_body = PRECONDITION, .winner_only = 1, .answer = patch ? az_patched : az_full,
		.read_status = 200, .expect = patch ? az_patched : az_full, .rows = az_rows, .rows_sql = AZ_ROWS_SQL,
	};
	az_extra = NULL;
	run_race(&c);
}

static void test_az_etag_put(void)
{
	az_etag_race("Azure PUT, one ETag", "etag-put", 0);
}

static void test_az_etag_patch(void)
{
	az_etag_race("Azure PATCH, one ETag", "etag-patch", 1);
}

/* A fresh server with every list to delete; with_etag: its ETag to match, else "*". */
static void az_fresh(int round, int with_etag)
{
	char name[32], key[32];
	snprintf(name, sizeof(name), "del-r%d", round);
	CU_ASSERT_EQUAL_FATAL(az_put("conc-svc", name, round, WRITERS - 1, AZ_FULL), 201);
	const char *id = tc_sql_text("SELECT s.id::text FROM servers s JOIN azure_services a ON a.id = s.azure_service_id"
				     " WHERE a.subscription_id = '" SUB "' AND a.service_name = split_part($1, '/', 1)"
				     " AND s.resource_name = split_part($1, '/', 2)", rows_key);
	snprintf(key, sizeof(key), "%s", id ? id : "0");
	snprintf(rows_key, sizeof(rows_key), "%s", key);
	snprintf(if_match, sizeof(if_match), "If-Match: *");
	if (with_etag)
		read_etag();
}

static void az_fresh_star(int round)
{
	az_fresh(round, 0);
}

static void az_fresh_etag(int round)
{
	az_fresh(round, 1);
}

static void test_az_delete_star(void)
{
	const struct race c = {
		.what = "Azure DELETE If-Match: *", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = az_fresh_star,
		.request = delete_request, .status = 204, .first_status = 200, .first_body = "", .rest_body = "",
		.read_status = 404, .read_body = AZ_NOT_FOUND, .rows_sql = SERVER_ROWS_LEFT, .rows_left = "0",
	};
	run_race(&c);
}

/* The others may hear 412 (their tag matches nothing now) or 204 (nothing to delete, as a
 * DELETE with that tag after the resource is gone answers in test_delete): never a second 200. */
static void test_az_delete_etag(void)
{
	const struct race c = {
		.what = "Azure DELETE, one ETag", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = az_fresh_etag,
		.request = delete_request, .status = 412, .first_status = 200, .first_body = "",
		.rest_body = PRECONDITION, .alt_status = 204, .alt_body = "", .read_status = 404,
		.read_body = AZ_NOT_FOUND, .rows_sql = SERVER_ROWS_LEFT, .rows_left = "0",
	};
	run_race(&c);
}

/* First PUTs of one name: into a service that does not exist yet, or into conc-svc. */
static void az_first_new_service(int round)
{
	char svc[32];
	snprintf(svc, sizeof(svc), "conc-new-r%d", round);
	az_aim(svc, "first");
}

static void az_first_old_service(int round)
{
	char name[32];
	snprintf(name, sizeof(name), "first-r%d", round);
	az_aim("conc-svc", name);
}

static void az_first(const char *what, void (*prepare)(int))
{
	struct race c = {
		.what = what, .writers = CREATORS, .rounds = FEW_ROUNDS, .prepare = prepare,
		.request = az_put_request, .status = 200, .first_status = 201, .answer = az_full, .read_status = 200,
		.expect = az_full, .rows = az_rows, .rows_sql = AZ_ROWS_SQL,
	};
	az_extra = NULL;
	run_race(&c);
}

static void test_az_first_new_service(void)
{
	az_first("Azure first PUTs, new service", az_first_new_service);
}

static void test_az_first_old_service(void)
{
	CU_ASSERT_EQUAL_FATAL(az_put("conc-svc", "anchor", 0, 0, AZ_FULL), 201);
	az_first("Azure first PUTs, existing service", az_first_old_service);
}

/* ---- Venafi applications ------------------------------------------------------------------ */

static const char *v_scope(int w)
{
	static const char *const names[] = { "admin", "agent", "certificate", "codesign", "configuration",
					     "security", "ssh", "statistics" };
	return names[w % 8];
}

/* The record writer w sends as "Application" and GetApplication shows, in the API's order. */
static void v_record(int round, int w, int shown, char *b, size_t n)
{
	snprintf(b, n, "{\"AccessValidity\":%d,\"Description\":\"app r%d w%02d%.*s\",%s\"GrantValidity\":%d,"
		 "\"ID\":\"conc-upd\",\"MaximumScope\":\"%s\",\"Name\":\"r%d w%02d\",\"Renewable\":%s,\"Scope\":\"%s\","
		 "\"Url\":\"https://r%d.w%02d.example\",\"Vendor\":\"vendor w%02d\"}", 100 + w, round, w, w,
		 "................", shown ? "\"GrantCount\":0," : "", 1000 + w, v_scope(w + 3), round, w,
		 w & 1 ? "true" : "false", v_scope(w), round, w, w);
}

static void v_expect(int round, int w, const struct job *j, char *b, size_t n)
{
	char rec[BODY_MAX];
	(void)j;
	v_record(round, w, 1, rec, sizeof(rec));
	snprintf(b, n, "{\"Application\":%s,\"Result\":0,\"Success\":true}", rec);
}

static void v_rows(int round, int w, const struct job *j, char *b, size_t n)
{
	(void)j;
	snprintf(b, n, "r%d w%02d|app r%d w%02d%.*s|vendor w%02d|https://r%d.w%02d.example|%s|%s|%d|%d|%c", round, w,
		 round, w, w, "................", w, round, w, v_scope(w), v_scope(w + 3), 100 + w, 1000 + w,
		 w & 1 ? 't' : 'f');
}

static void v_request(int round, int w, struct job *j)
{
	char rec[BODY_MAX];
	v_record(round, w, 0, rec, sizeof(rec));
	set_job(j, "POST", NULL, dup_printf("{\"Application\":%s}", rec));
}

static void v_create(const char *id)
{
	struct http_resp r;
	char body[256];
	snprintf(body, sizeof(body), "{\"ApplicationId\":\"%s\",\"Scope\":\"certificate\",\"Name\":\"%s\"}", id, id);
	CU_ASSERT_EQUAL_FATAL(tc_json("POST", SDK "CreateApplication", body, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "},\"Result\":0,\"Success\":true}"));
	tc_resp_free(&r);
}

static void v_aim(const char *op, const char *id)
{
	aim(op, SDK "GetApplication", 0);
	snprintf(read_req, sizeof(read_req), "{\"ApplicationId\":\"%s\"}", id);
	snprintf(rows_key, sizeof(rows_key), "%s", id);
}

static void v_update_target(int round)
{
	(void)round;
	v_aim(SDK "UpdateApplication", "conc-upd");
}

static void test_venafi_update(void)
{
	v_create("conc-upd");
	const struct race c = {
		.what = "Venafi UpdateApplication", .writers = WRITERS, .rounds = FEW_ROUNDS,
		.prepare = v_update_target, .request = v_request, .status = 200, .rest_body = V_OK,
		.read_status = 200, .expect = v_expect, .rows = v_rows,
		.rows_sql = "SELECT concat_ws('|', name, description, vendor, url, scope, maximum_scope,"
			    " access_validity_seconds, grant_validity_seconds, renewable) FROM applications"
			    " WHERE client_id = $1",
	};
	run_race(&c);
}

static void v_delete_fresh(int round)
{
	(void)round;
	v_create("conc-del");
	v_aim(SDK "DeleteApplication", "conc-del");
}

static void v_delete_request(int round, int w, struct job *j)
{
	(void)round, (void)w;
	set_job(j, "POST", NULL, strdup("{\"ApplicationId\":\"conc-del\"}"));
}

static void test_venafi_delete(void)
{
	const struct race c = {
		.what = "Venafi DeleteApplication", .writers = WRITERS, .rounds = FEW_ROUNDS, .prepare = v_delete_fresh,
		.request = v_delete_request, .status = 200, .first_status = 200, .first_body = V_OK, .rest_body = V_GONE,
		.read_status = 200, .read_body = V_GONE, .rows_left = "0",
		.rows_sql = "SELECT count(*) FROM applications WHERE client_id = $1",
	};
	run_race(&c);
}

void suite_http_concurrency(void)
{
	static const struct test_case cases[] = {
		{ "OneLogin server PUT: 16 writers x 8 rounds, one writer's body and rows", test_server_put },
		{ "OneLogin server DELETE: 16 deleters, one 204, the rest 404, no rows", test_server_delete },
		{ "OneLogin scope PUT: 16 writers, one writer's scope", test_scope_put },
		{ "OneLogin scope DELETE: one 204, the rest 404", test_scope_delete },
		{ "OneLogin claim PUT: 16 writers, one writer's claim", test_claim_put },
		{ "OneLogin claim DELETE: one 204, the rest 404", test_claim_delete },
		{ "OneLogin client link PUT: 16 writers x 8 rounds, one writer's scope list", test_link_put },
		{ "OneLogin client link DELETE: one 204, the rest 404, no rows", test_link_delete },
		{ "OneLogin app PUT: 16 writers, one writer's app", test_app_put },
		{ "OneLogin app DELETE: one 204, the rest 404, unlinked everywhere", test_app_delete },
		{ "authzd secrets POST: 16 writers, 16 new secrets, each audited once", test_secret_add },
		{ "authzd secrets DELETE of an app's two secrets: one 204, the last one kept", test_secret_retire },
		{ "Azure PUT without If-Match: 16 writers x 8 rounds, one writer's entity and rows", test_az_put },
		{ "Azure PUT If-Match *: 16 writers x 8 rounds, one writer's entity and rows", test_az_put_star },
		{ "Azure PATCH If-Match *: 16 writers x 8 rounds, all 200, one writer's lists", test_az_patch_star },
		{ "Azure DELETE If-Match *: one 200, the rest 204, no rows", test_az_delete_star },
		{ "Azure PUT with one ETag: one 200, the rest 412, the winner's entity", test_az_etag_put },
		{ "Azure PATCH with one ETag: one 200, the rest 412, the winner's entity", test_az_etag_patch },
		{ "Azure DELETE with one ETag: one 200, the rest 412 or 204, no rows", test_az_delete_etag },
		{ "Azure 32 first PUTs into a new service: one 201, the rest 200, one row", test_az_first_new_service },
		{ "Azure 32 first PUTs into an existing service: one 201, the rest 200", test_az_first_old_service },
		{ "Venafi UpdateApplication: 16 writers, one writer's record", test_venafi_update },
		{ "Venafi DeleteApplication: one Result 0, the rest Result 2", test_venafi_delete },
		{ NULL, NULL },
	};
	tests_add_suite("parallel writers (http)", init, NULL, cases);
}

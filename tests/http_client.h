/* Test helpers: real HTTP through nginx (libcurl) and direct SQL checks (libpq). */
#ifndef AUTHZD_TESTS_HTTP_CLIENT_H
#define AUTHZD_TESTS_HTTP_CLIENT_H

#include <stddef.h>

#include <curl/curl.h>

struct http_resp {
	long status;
	char *body;                /* NUL-terminated, malloc'd */
	size_t body_len;
	char headers[4096];        /* raw response headers */
};

/* Must be called once; reads AUTHZD_TEST_URL etc. Returns -1 (and says why) if unset. */
int tc_init(void);
void tc_cleanup(void);

/* Sends method path with optional content type and body (NULL for none) to base
 * (NULL = the http URL). Extra is an optional header line ("If-Match: x"). */
int tc_call(const char *base, const char *method, const char *path, const char *ctype,
	    const char *body, const char *extra, struct http_resp *out);
/* tc_call on the caller's own easy handle: tc_call shares one handle and is not thread-safe;
 * this is, given one handle per thread (and tc_set_token not called meanwhile). */
int tc_call_with(CURL *h, const char *base, const char *method, const char *path, const char *ctype,
		 const char *body, const char *extra, struct http_resp *out);
/* JSON convenience: Content-Type application/json. */
int tc_json(const char *method, const char *path, const char *body, struct http_resp *out);
void tc_resp_free(struct http_resp *r);
/* GET /metrics: the page (malloc'd), or NULL (said why). */
char *tc_metrics(void);
/* The value of one series of the page ("name{labels}" exactly as printed); 0 when absent. */
double tc_metric(const char *page, const char *series);
void tc_sleep_ms(long ms);
/* printf into one of eight rotating static buffers of 1 KiB: paths and bodies built in a
 * call's arguments. */
const char *tc_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One call and its answer pinned: the status, and the exact body unless expect is NULL.
 * A body goes as JSON; NULL sends none. Failures name the caller's line. */
#define TC_EXPECT(method, path, body, status, expect) \
	tc_expect_at(__FILE__, __LINE__, (method), (path), (body), (status), (expect))
void tc_expect_at(const char *file, int line, const char *method, const char *path, const char *body,
		  long status, const char *expect);
/* The value of response header name (case-insensitive) in a static buffer, or NULL. */
const char *tc_header(const struct http_resp *r, const char *name);

/* The bearer token every call sends unless extra sets Authorization (NULL: none). */
void tc_set_token(const char *token);
const char *tc_current_token(void);
/* The Host header every call sends while set (NULL: curl's own). */
void tc_set_host(const char *host);
/* The local address every call comes from while set ("127.0.0.2"; NULL: the kernel's choice). */
void tc_set_source(const char *addr);
/* Gets a management token for the credential (Basic + JSON); NULL on failure. The
 * token is remembered for the log check. Returns a malloc'd string. */
char *tc_fetch_token(const char *client_id, const char *secret);
/* Mints a credential in the database (as authzctl does) and remembers its secret. */
int tc_make_credential(const char *tenant, const char *scope, int ttl_seconds,
		       char client_id[33], char secret[65], long *tenant_id);
/* Every secret and token the run has seen, for the log check (NULL-terminated). */
const char *const *tc_secrets_seen(void);
void tc_remember_secret(const char *s);

const char *tc_http_url(void);
const char *tc_https_url(void);

/* Runs sql with up to 3 text parameters and returns the first column of the first row
 * as a number (-1 on error, which the caller's assertion then catches). */
long tc_sql_long(const char *sql, const char *p1, const char *p2, const char *p3);
/* Runs sql; returns the first column of the first row (static buffer) or NULL. */
const char *tc_sql_text(const char *sql, const char *p1);
int tc_sql_exec(const char *sql);

#endif

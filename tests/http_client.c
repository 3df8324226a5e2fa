/* libcurl and libpq helpers for the integration suites. One curl handle is reused so
 * requests ride a kept-alive connection, as a real client's would. */
#include "http_client.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <CUnit/CUnit.h>
#include <curl/curl.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "authn/credential.h"
#include "db/db.h"
#include "db/db_admin.h"

static CURL *curl;
static char *token;
static char *host;
static char *source;
static char *seen[512];
static size_t nseen;

void tc_remember_secret(const char *s)
{
	if (nseen < sizeof(seen) / sizeof(seen[0]) - 1)
		seen[nseen++] = strdup(s);
}

const char *const *tc_secrets_seen(void)
{
	return (const char *const *)seen;
}

void tc_set_token(const char *t)
{
	free(token);
	token = t ? strdup(t) : NULL;
}

const char *tc_current_token(void)
{
	return token;
}

void tc_set_host(const char *h)
{
	free(host);
	host = h ? strdup(h) : NULL;
}

void tc_set_source(const char *addr)
{
	free(source);
	source = addr ? strdup(addr) : NULL;
}
static PGconn *pg;
static const char *http_url, *https_url, *ca;

const char *tc_http_url(void) { return http_url; }
const char *tc_https_url(void) { return https_url; }

int tc_init(void)
{
	http_url = getenv("AUTHZD_TEST_URL");
	https_url = getenv("AUTHZD_TEST_HTTPS_URL");
	ca = getenv("AUTHZD_TEST_CA");
	const char *db = getenv("AUTHZD_DATABASE_URL");
	if (http_url == NULL || db == NULL) {
		fprintf(stderr, "integration tests need AUTHZD_TEST_URL and AUTHZD_DATABASE_URL "
				"(scripts/test sets them)\n");
		return -1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	pg = PQconnectdb(db);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "test database: %s", PQerrorMessage(pg));
		return -1;
	}
	PQclear(PQexec(pg, "SET client_min_messages = warning"));
	return 0;
}

void tc_cleanup(void)
{
	tc_set_token(NULL);
	tc_set_host(NULL);
	tc_set_source(NULL);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	nseen = 0;
	if (curl)
		curl_easy_cleanup(curl);
	curl_global_cleanup();
	PQfinish(pg);
}

static size_t on_body(char *ptr, size_t size, size_t n, void *data)
{
	struct http_resp *r = data;
	size_t len = size * n;
	char *nb = realloc(r->body, r->body_len + len + 1);
	if (nb == NULL)
		abort();
	memcpy(nb + r->body_len, ptr, len);
	r->body = nb;
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return len;
}

static size_t on_header(char *ptr, size_t size, size_t n, void *data)
{
	struct http_resp *r = data;
	size_t len = size * n, have = strlen(r->headers);
	if (have + len < sizeof(r->headers)) {
		memcpy(r->headers + have, ptr, len);
		r->headers[have + len] = '\0';
	}
	return len;
}

int tc_call(const char *base, const char *method, const char *path, const char *ctype,
	    const char *body, const char *extra, struct http_resp *out)
{
	return tc_call_with(curl, base, method, path, ctype, body, extra, out);
}

int tc_call_with(CURL *h, const char *base, const char *method, const char *path, const char *ctype,
		 const char *body, const char *extra, struct http_resp *out)
{
	char url[4096];
	struct curl_slist *hdrs = NULL;
	char ct[256];

	memset(out, 0, sizeof(*out));
	out->body = calloc(1, 1);
	snprintf(url, sizeof(url), "%s%s", base ? base : http_url, path);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
	if (ca != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	if (source != NULL)
		curl_easy_setopt(h, CURLOPT_INTERFACE, source);
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (ctype != NULL) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
		hdrs = curl_slist_append(hdrs, ct);
	} else {
		hdrs = curl_slist_append(hdrs, "Content-Type:");
	}
	if (extra != NULL)
		hdrs = curl_slist_append(hdrs, extra);
	if (host != NULL) {
		char hh[300];
		snprintf(hh, sizeof(hh), "Host: %s", host);
		hdrs = curl_slist_append(hdrs, hh);
	}
	if (token != NULL && (extra == NULL || strncasecmp(extra, "Authorization:", 14) != 0)) {
		char auth[128];
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (body != NULL) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	CURLcode rc = curl_easy_perform(h);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK) {
		fprintf(stderr, "\n    %s %s: %s\n", method, url, curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	return 0;
}

char *tc_metrics(void)
{
	struct http_resp r;
	if (tc_call(NULL, "GET", "/metrics", NULL, NULL, NULL, &r) != 0 || r.status != 200) {
		fprintf(stderr, "\n    /metrics: %ld %s", r.status, r.body);
		tc_resp_free(&r);
		return NULL;
	}
	return r.body;
}

double tc_metric(const char *page, const char *series)
{
	size_t n = strlen(series);
	for (const char *p = page; p != NULL && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return 0;
}

int tc_json(const char *method, const char *path, const char *body, struct http_resp *out)
{
	return tc_call(NULL, method, path, "application/json", body, NULL, out);
}

void tc_expect_at(const char *file, int line, const char *method, const char *path, const char *body,
		  long status, const char *expect)
{
	struct http_resp r;
	int rc = body ? tc_json(method, path, body, &r) : tc_call(NULL, method, path, NULL, NULL, NULL, &r);
	int ok = rc == 0 && r.status == status && (expect == NULL || (r.body && strcmp(r.body, expect) == 0));
	if (!ok)
		fprintf(stderr, "\n    %s:%d: %s %s: got %ld <%s>\n    expected %ld <%s>\n", file, line, method, path,
			rc == 0 ? r.status : -1L, rc == 0 && r.body ? r.body : "(none)", status, expect ? expect : "*");
	CU_assertImplementation(ok, (unsigned)line, "TC_EXPECT", file, "", CU_FALSE);
	if (rc == 0)
		tc_resp_free(&r);
}

void tc_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

const char *tc_fmt(const char *fmt, ...)
{
	static char buf[8][1024];
	static int k;
	va_list ap;
	va_start(ap, fmt);
	char *p = buf[k++ % 8];
	vsnprintf(p, sizeof(buf[0]), fmt, ap);
	va_end(ap);
	return p;
}

void tc_resp_free(struct http_resp *r)
{
	free(r->body);
	r->body = NULL;
}

const char *tc_header(const struct http_resp *r, const char *name)
{
	static char value[1024];
	size_t n = strlen(name);
	const char *p = r->headers;
	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			size_t len = strcspn(v, "\r\n");
			if (len >= sizeof(value))
				len = sizeof(value) - 1;
			memcpy(value, v, len);
			value[len] = '\0';
			return value;
		}
	}
	return NULL;
}

static PGresult *query(const char *sql, const char *p1, const char *p2, const char *p3)
{
	const char *p[3] = { p1, p2, p3 };
	int n = p3 ? 3 : p2 ? 2 : p1 ? 1 : 0;
	PGresult *res = PQexecParams(pg, sql, n, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "\n    SQL %s: %s", sql, PQerrorMessage(pg));
		PQclear(res);
		return NULL;
	}
	return res;
}

long tc_sql_long(const char *sql, const char *p1, const char *p2, const char *p3)
{
	PGresult *res = query(sql, p1, p2, p3);
	long v = -1;
	if (res != NULL && PQntuples(res) > 0)
		v = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

const char *tc_sql_text(const char *sql, const char *p1)
{
	static char buf[8192];
	PGresult *res = query(sql, p1, NULL, NULL);
	const char *out = NULL;
	if (res != NULL && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
		snprintf(buf, sizeof(buf), "%s", PQgetvalue(res, 0, 0));
		out = buf;
	}
	PQclear(res);
	return out;
}

int tc_sql_exec(const char *sql)
{
	PGresult *res = query(sql, NULL, NULL, NULL);
	PQclear(res);
	return res ? 0 : -1;
}

char *tc_fetch_token(const char *client_id, const char *secret)
{
	struct http_resp r;
	char *saved = token ? strdup(token) : NULL, *out = NULL;
	tc_set_token(NULL);
	curl_easy_reset(curl);
	char userpwd[256];
	snprintf(userpwd, sizeof(userpwd), "%s:%s", client_id, secret);
	char *b64 = NULL;
	{
		/* Basic credentials, encoded by hand so the test sends exactly this header */
		static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		size_t n = strlen(userpwd), o = 0;
		b64 = malloc(4 * ((n + 2) / 3) + 1);
		for (size_t i = 0; i < n; i += 3) {
			unsigned v = (unsigned char)userpwd[i] << 16;
			if (i + 1 < n) v |= (unsigned char)userpwd[i + 1] << 8;
			if (i + 2 < n) v |= (unsigned char)userpwd[i + 2];
			b64[o++] = tbl[(v >> 18) & 63];
			b64[o++] = tbl[(v >> 12) & 63];
			b64[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
			b64[o++] = i + 2 < n ? tbl[v & 63] : '=';
		}
		b64[o] = '\0';
	}
	char header[512];
	snprintf(header, sizeof(header), "Authorization: Basic %s", b64);
	free(b64);
	if (tc_call(NULL, "POST", "/auth/oauth2/v2/token", "application/json",
		    "{\"grant_type\":\"client_credentials\"}", header, &r) == 0 && r.status == 200) {
		const char *p = strstr(r.body, "\"access_token\":\"");
		if (p != NULL) {
			out = strndup(p + 16, 64);
			tc_remember_secret(out);
		}
		p = strstr(r.body, "\"refresh_token\":\"");
		if (p != NULL) {
			char *rt = strndup(p + 17, 64);
			tc_remember_secret(rt);
			free(rt);
		}
	}
	tc_resp_free(&r);
	tc_set_token(saved);
	free(saved);
	return out;
}

int tc_make_credential(const char *tenant, const char *scope, int ttl_seconds,
		       char client_id[33], char secret[65], long *tenant_id)
{
	struct db *db = db_open(getenv("AUTHZD_DATABASE_URL"));
	arena_t *a = arena_create(0);
	struct credential_new c;
	const char *scopes[1] = { scope };
	int64_t tid;
	int rc = -1;
	/* the suites' tenants come into being as an operator would make them */
	if (db_tenant_lookup(db, a, tenant, &tid) == ST_NOT_FOUND)
		db_tenant_create(db, a, tenant, &tid);
	if (credential_create(db, a, tenant, scopes, 1, ttl_seconds, "test", &c) == ST_OK) {
		snprintf(client_id, 33, "%s", c.client_id);
		snprintf(secret, 65, "%s", c.client_secret);
		if (tenant_id != NULL)
			*tenant_id = (long)c.tenant_id;
		tc_remember_secret(secret);
		rc = 0;
	}
	arena_destroy(a);
	db_close(db);
	return rc;
}

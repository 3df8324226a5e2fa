/* The /metrics page: sums every worker's slot (no database query, no lock) and writes the
 * text exposition format 0.0.4 by hand, into the request arena: Debian has no C client
 * library for it, and the format is lines of `name{labels} value` under # HELP and # TYPE.
 * Series that never counted are left out; every label value is one of ours (route names,
 * method names, codes, algorithms, server ids), escaped all the same. */
#include "metrics_page.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/metrics.h"
#include "core/service.h"
#include "http/request.h"
#include "http/response.h"
#include "routes.h"
#include "token/jose.h"

struct page {
	arena_t *a;
	char *buf;
	size_t len, cap;
};

static void put(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct page *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	arena_reserve(p->a, &p->buf, &p->cap, p->len, (size_t)n + 1, 64 * 1024);
	va_start(ap, fmt);
	vsnprintf(p->buf + p->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	p->len += (size_t)n;
}

static void family(struct page *p, const char *name, const char *type, const char *help)
{
	put(p, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped (the format's three). */
static const char *label(arena_t *a, const char *s)
{
	if (strpbrk(s, "\\\"\n") == NULL)
		return s;
	char *out = arena_alloc(a, 2 * strlen(s) + 1), *o = out;
	for (; *s; s++) {
		if (*s == '\\' || *s == '"' || *s == '\n')
			*o++ = '\\';
		*o++ = *s == '\n' ? 'n' : *s;
	}
	*o = '\0';
	return out;
}

static const char *route_name(arena_t *a, unsigned i)
{
	return i < routes_count && i < METRICS_ROUTE_NONE ? label(a, routes_table[i].name) : "none";
}

static const char *method_name(unsigned i)
{
	return i < METRICS_METHODS - 1 ? http_method_name(1u << i) : "other";
}

static void requests(struct page *p, const struct metrics_slot *s)
{
	family(p, "authzd_http_requests_total", "counter",
	       "Requests answered, by route (none: no route matched), method and status code.");
	for (unsigned rt = 0; rt < METRICS_ROUTES; rt++)
		for (unsigned m = 0; m < METRICS_METHODS; m++)
			for (int c = 0; c < METRICS_CODES; c++) {
				uint64_t v = s->requests[rt][m][c];
				if (v == 0)
					continue;
				int code = metrics_code_at(c);
				put(p, "authzd_http_requests_total{route=\"%s\",method=\"%s\",code=\"%s\"} %llu\n",
				    route_name(p->a, rt), method_name(m),
				    code ? arena_sprintf(p->a, "%d", code) : "other", (unsigned long long)v);
			}
}

static void latency(struct page *p, const struct metrics_slot *s)
{
	const char *name = "authzd_http_request_duration_seconds";
	family(p, name, "histogram", "Time from the worker accepting a request to its response being ready, by route.");
	for (unsigned rt = 0; rt < METRICS_ROUTES; rt++) {
		uint64_t total = 0;
		for (int b = 0; b < METRICS_BUCKETS; b++)
			total += s->latency[rt][b];
		if (total == 0)
			continue;
		const char *route = route_name(p->a, rt);
		uint64_t cum = 0;
		for (int b = 0; b < METRICS_BUCKETS; b++) {
			cum += s->latency[rt][b];
			if (b < METRICS_BUCKETS - 1)
				put(p, "%s_bucket{route=\"%s\",le=\"%g\"} %llu\n", name, route, metrics_bucket_bounds[b],
				    (unsigned long long)cum);
			else
				put(p, "%s_bucket{route=\"%s\",le=\"+Inf\"} %llu\n", name, route, (unsigned long long)cum);
		}
		/* the count is the +Inf bucket's, so the two always agree */
		put(p, "%s_sum{route=\"%s\"} %.9f\n%s_count{route=\"%s\"} %llu\n", name, route,
		    (double)s->latency_sum_ns[rt] / 1e9, name, route, (unsigned long long)total);
	}
}

static void counter(struct page *p, const char *name, const char *help, uint64_t v)
{
	family(p, name, "counter", help);
	put(p, "%s %llu\n", name, (unsigned long long)v);
}

static void logins(struct page *p, const char *name, const char *help, const metrics_counter *v)
{
	static const char *const forms[METRICS_LOGIN_FORMS] = { "management", "identity", "client" };
	family(p, name, "counter", help);
	for (int f = 0; f < METRICS_LOGIN_FORMS; f++)
		put(p, "%s{form=\"%s\"} %llu\n", name, forms[f], (unsigned long long)v[f]);
}

static void tokens(struct page *p)
{
	struct metrics_token_total *rows;
	size_t n = metrics_token_totals(p->a, &rows);
	family(p, "authzd_tokens_issued_total", "counter",
	       "Access tokens signed, by server id and algorithm (other: servers past a worker's table "
	       "of 256).");
	for (size_t i = 0; i < n; i++)
		put(p, "authzd_tokens_issued_total{server=\"%s\",alg=\"%s\"} %llu\n",
		    rows[i].server_id ? arena_sprintf(p->a, "%lld", (long long)rows[i].server_id) : "other",
		    jose_alg_name((enum jose_alg)rows[i].alg), (unsigned long long)rows[i].issued);
}

status_t metrics_page(struct request *r)
{
	struct metrics_allow allow;
	char err[200];
	if (metrics_allow_parse(r->svc->cfg->metrics_allow, &allow, err, sizeof(err)) != 0 ||
	    !metrics_allow_match(&allow, r->remote_addr))
		return error_set(&r->err, ST_FORBIDDEN, NULL, NULL);

	struct metrics_totals *t = arena_alloc(r->arena, sizeof(*t));
	metrics_totals(t);
	const struct metrics_slot *s = &t->sum;
	struct page p = { r->arena, NULL, 0, 0 };
	requests(&p, s);
	latency(&p, s);
	counter(&p, "authzd_db_round_trips_total", "Flights of statements sent to PostgreSQL (a pipeline is one).",
		s->db_round_trips);
	counter(&p, "authzd_db_background_round_trips_total",
		"Of the round trips, those made after a response, which no request waited for (token counts written).",
		s->db_background);
	counter(&p, "authzd_db_reconnects_total", "New database connections made after one was lost.",
		s->db_reconnects);
	counter(&p, "authzd_db_errors_total",
		"Statements PostgreSQL failed for a reason other than the caller's (an unexpected SQLSTATE).",
		s->db_errors);
	counter(&p, "authzd_worker_restarts_total", "Workers that died and were replaced by the supervisor.",
		t->worker_restarts);
	family(&p, "authzd_workers", "gauge", "Worker processes configured.");
	put(&p, "authzd_workers %d\n", r->svc->cfg->workers);
	logins(&p, "authzd_login_failures_total",
	       "Failed logins (wrong or unknown secret or password), by form.", s->login_failures);
	logins(&p, "authzd_login_throttled_total", "Logins refused by the throttle (429), by form.",
	       s->login_throttled);
	tokens(&p);
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", p.buf, p.len);
	return ST_OK;
}

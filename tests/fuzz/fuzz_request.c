/* fuzz_request: what the worker does with the FastCGI parameters of a request, up to the
 * handler: http_request_parse (method, path, query split and decoding, host),
 * http_request_header for each header it reads, router_match against the real route table
 * (routes_compile()), router_dialect, and then http_dispatch itself over the same table
 * with every handler replaced by a stub (the real handlers need a database), so the
 * check / authenticate / confirm / render phases and the response head run too.
 *
 * Input: lines ('\n'-separated; a FastCGI parameter cannot hold a NUL, so a NUL ends its
 * line's string):
 *   0 REQUEST_METHOD   1 REQUEST_URI   2 HTTP_HOST   3 CONTENT_TYPE   4 HTTP_AUTHORIZATION
 *   5 HTTP_IF_MATCH    6 HTTP_IF_NONE_MATCH   7 flags (first byte: bit 0 the caller check
 *   refuses the token, bit 1 nginx refused the body as too large, bits 2-3 what the stub
 *   handler answers: 200, 400, 500 or 422)
 * A missing line is an absent parameter.
 *
 * Invariants: see the FUZZ_CHECKs; in short, the path and every query pair and path
 * parameter is valid UTF-8 without NUL; malformed is set exactly when the path or query is
 * bad; the host is a lower-case host name; a FOUND match is the first route of the table
 * whose pattern matches (literals case-insensitively) and whose methods include the
 * request's, with nparams the pattern's parameter count, each the percent-decoding of its
 * segment; NO_METHOD lists in Allow exactly the methods of the routes whose pattern
 * matches (a route whose parameters do not percent-decode to UTF-8 does not match,
 * whatever the method: router.h's "counts as no path"); the dialect is the route's, else
 * the path prefix's; dispatch leaves a complete response whose error bodies are JSON, with
 * 401 for a protected route without a valid token, and never runs a handler for a
 * malformed request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/utf8.h"
#include "fuzz_common.h"
#include "http/credentials.h"
#include "http/dispatch.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "routes.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS 8
#define MAX_ROUTES 128
#define REF_MAX_SEGS 16

static struct router *real_rt;     /* routes_compile(): the table authzd serves */
static struct router *stub_rt;     /* the same rows, every handler a stub */
static struct route stub_table[MAX_ROUTES];

/* per-input state the stubs look at */
static unsigned flags;
static int handler_ran, confirm_ran;

static status_t stub_handler(struct request *r)
{
	handler_ran++;
	FUZZ_CHECK(r->route != NULL);
	FUZZ_CHECK(r->malformed == HTTP_WELL_FORMED);
	FUZZ_CHECK((r->route->methods & r->method) != 0);
	FUZZ_CHECK(r->nparams <= HTTP_MAX_PARAMS);
	for (size_t i = 0; i < r->nparams; i++)
		fuzz_check_string(r->params[i]);
	if (r->route->access != ACCESS_PUBLIC) {
		/* authenticate let it through: a bearer token of ours, hashed into the caller */
		const char *token = http_bearer_token(r);
		FUZZ_CHECK(token != NULL);
		FUZZ_CHECK(strlen(token) == HTTP_TOKEN_HEX_LEN);
		FUZZ_CHECK(r->caller.kind == CALLER_TOKEN && r->caller.need == r->route->access);
		unsigned char h[CRYPTO_SHA256_LEN];
		crypto_sha256_str(token, h);
		FUZZ_CHECK(memcmp(h, r->caller.token_hash, sizeof(h)) == 0);
	}
	switch ((flags >> 2) & 3) {
	case 0:
		http_reply_json(r, 200, json_pack("{s:s}", "route", r->route->name));
		return ST_OK;
	case 1: return error_set(&r->err, ST_BAD_REQUEST, NULL, "stub says no");
	case 2: return error_set(&r->err, ST_INTERNAL, NULL, NULL);
	default:
		error_add(&r->err, "name", RULE_REQUIRED, 0);
		error_add(&r->err, "resource_identifier", RULE_TOO_LONG, 2048);
		return error_verdict(&r->err, 0);
	}
}

static status_t stub_confirm(struct request *r)
{
	confirm_ran++;
	FUZZ_CHECK(r->caller.kind == CALLER_TOKEN && !r->caller.verified);
	return (flags & 1) ? ST_UNAUTHORIZED : ST_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR);
	real_rt = routes_compile();
	if (real_rt == NULL || routes_count > MAX_ROUTES)
		abort();
	for (size_t i = 0; i < routes_count; i++) {
		stub_table[i] = routes_table[i];
		stub_table[i].handler = stub_handler;
	}
	stub_rt = router_compile(stub_table, routes_count, routes_prefixes, routes_prefix_count, routes_fallback);
	if (stub_rt == NULL)
		abort();
	return 0;
}

/* ---- a reference matcher, written from router.h's contract ------------------------- */

struct ref_seg {
	const char *p;
	size_t len;
};

/* Splits at '/': "/a/b" -> a, b. Trailing empty segments are ignored (the product ignores
 * up to two, so "/x/" and "/x//" are "/x"); an empty segment elsewhere, a path that does
 * not start with '/', or more than 16 segments: -1. */
static int ref_split(const char *path, struct ref_seg *segs, size_t *n)
{
	struct ref_seg all[REF_MAX_SEGS + 3];
	size_t k = 0;
	*n = 0;
	if (path[0] != '/')
		return -1;
	const char *p = path + 1;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (k == REF_MAX_SEGS + 3)
			return -1;
		all[k].p = p;
		all[k].len = len;
		k++;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	/* drop at most two trailing empty segments */
	for (int drop = 0; drop < 2 && k > 0 && all[k - 1].len == 0; drop++)
		k--;
	if (k > REF_MAX_SEGS)
		return -1;
	for (size_t i = 0; i < k; i++) {
		if (all[i].len == 0)
			return -1;
		segs[i] = all[i];
	}
	*n = k;
	return 0;
}

/* 1 if pattern's segments match the path's; the parameter count in *nparams. */
static int ref_pattern_matches(const char *pattern, const struct ref_seg *segs, size_t n, size_t *nparams)
{
	const char *p = pattern + 1;
	size_t i = 0;
	*nparams = 0;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (i == n)
			return 0;
		if (p[0] == ':')
			(*nparams)++;
		else if (len != segs[i].len || strncasecmp(p, segs[i].p, len) != 0)
			return 0;
		i++;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	return i == n;
}

/* 1 if every parameter segment of the (matching) pattern percent-decodes. */
static int ref_params_decode(arena_t *a, const char *pattern, const struct ref_seg *segs, size_t n)
{
	const char *p = pattern + 1;
	for (size_t i = 0; i < n; i++) {
		if (p[0] == ':' && http_percent_decode(a, segs[i].p, segs[i].len, 0) == NULL)
			return 0;
		const char *slash = strchr(p, '/');
		p = slash ? slash + 1 : p + strlen(p);
	}
	return 1;
}

static size_t route_index(const struct route *route)
{
	FUZZ_CHECK(route >= routes_table && route < routes_table + routes_count);
	return (size_t)(route - routes_table);
}

static int has_header(const struct request *r, const char *line)
{
	if (r->resp.headers == NULL)
		return 0;
	size_t n = strlen(line);
	for (size_t i = 0; i + n <= r->resp.headers_len; i++)
		if (memcmp(r->resp.headers + i, line, n) == 0)
			return 1;
	return 0;
}

static void check_parse(const struct request *r, char **f)
{
	const char *method = f[0], *uri = f[1], *host = f[2];

	FUZZ_CHECK(strcmp(r->method_name, method ? method : "") == 0);
	FUZZ_CHECK(r->method == (method ? http_method_parse(method) : 0));
	if (r->method != 0) {
		FUZZ_CHECK((r->method & (r->method - 1)) == 0);      /* one bit */
		FUZZ_CHECK(strcmp(http_method_name(r->method), method) == 0);
	}

	/* the path: the longest valid UTF-8 start of the URI's path part */
	fuzz_check_string(r->path);
	FUZZ_CHECK(r->query != NULL);
	if (uri == NULL) {
		FUZZ_CHECK(strcmp(r->path, "/") == 0 && r->query[0] == '\0');
	} else {
		const char *q = strchr(uri, '?');
		size_t plen = q ? (size_t)(q - uri) : strlen(uri);
		size_t got = strlen(r->path);
		FUZZ_CHECK(got <= plen && memcmp(r->path, uri, got) == 0);
		FUZZ_CHECK(r->query == (q ? q + 1 : r->query));
		if (q == NULL)
			FUZZ_CHECK(r->query[0] == '\0');
		int path_ok = utf8_valid(uri, plen);
		FUZZ_CHECK(path_ok == fuzz_utf8_ref(uri, plen));
		FUZZ_CHECK(path_ok == (got == plen));
		FUZZ_CHECK(path_ok == (r->malformed != HTTP_BAD_PATH));
	}

	/* the query pairs */
	FUZZ_CHECK(r->nquery <= HTTP_MAX_QUERY);
	for (size_t i = 0; i < r->nquery; i++) {
		fuzz_check_string(r->query_pairs[i].name);
		fuzz_check_string(r->query_pairs[i].value);
		FUZZ_CHECK(r->query_pairs[i].name[0] != '\0');
		const char *first = http_query_get(r, r->query_pairs[i].name);
		FUZZ_CHECK(first != NULL);
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->query_pairs[j].name, r->query_pairs[i].name) == 0) {
				FUZZ_CHECK(first == r->query_pairs[j].value);
				break;
			}
	}
	if (r->malformed == HTTP_BAD_QUERY)
		FUZZ_CHECK(r->nquery == 0);
	/* (the raw query need not be UTF-8: "\xc7%92" decodes to U+01D2) */
	if (r->malformed == HTTP_BAD_QUERY)
		FUZZ_CHECK(http_form_parse(r->arena, r->query, strlen(r->query), NULL, 0) == -1);
	else if (r->malformed == HTTP_WELL_FORMED)
		FUZZ_CHECK(http_form_parse(r->arena, r->query, strlen(r->query), NULL, 0) == 0);

	/* the host: a lower-case name or IPv4 address, no port */
	if (r->host != NULL) {
		size_t n = strlen(r->host);
		FUZZ_CHECK(host != NULL && n >= 1 && n <= 253);
		FUZZ_CHECK(strncasecmp(r->host, host, n) == 0 && (host[n] == '\0' || host[n] == ':'));
		for (const char *p = r->host; *p; p++)
			FUZZ_CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-');
	}
}

static void check_header(const char *raw, const char *got)
{
	if (raw == NULL || raw[0] == '\0') {
		FUZZ_CHECK(got == NULL);
		return;
	}
	int ok = utf8_valid(raw, strlen(raw));
	FUZZ_CHECK(ok == fuzz_utf8_ref(raw, strlen(raw)));
	FUZZ_CHECK(got == (ok ? raw : NULL));
}

/* router_match on the real table against the reference matcher. */
static void check_match(struct request *r)
{
	const char *allow = NULL;
	enum router_result m = router_match(real_rt, r, &allow);

	struct ref_seg segs[REF_MAX_SEGS];
	size_t nsegs = 0;
	int split = ref_split(r->path, segs, &nsegs);
	unsigned allowed = 0;
	size_t first = routes_count, want_params = 0;
	if (split == 0) {
		for (size_t i = 0; i < routes_count; i++) {
			size_t np;
			/* a parameter that does not decode counts as no path, whatever the method */
			if (!ref_pattern_matches(routes_table[i].pattern, segs, nsegs, &np) ||
			    !ref_params_decode(r->arena, routes_table[i].pattern, segs, nsegs))
				continue;
			allowed |= routes_table[i].methods;
			if ((routes_table[i].methods & r->method) && first == routes_count) {
				first = i;
				want_params = np;
			}
		}
	}

	switch (m) {
	case ROUTER_FOUND: {
		FUZZ_CHECK(r->route != NULL);
		FUZZ_CHECK(route_index(r->route) == first);
		FUZZ_CHECK((r->route->methods & r->method) != 0);
		FUZZ_CHECK(r->nparams == want_params);
		FUZZ_CHECK(r->nparams <= HTTP_MAX_PARAMS);
		/* each parameter is its segment, percent-decoded */
		const char *p = r->route->pattern + 1;
		size_t k = 0;
		for (size_t i = 0; i < nsegs; i++) {
			if (p[0] == ':') {
				FUZZ_CHECK(k < r->nparams);
				fuzz_check_string(r->params[k]);
				char *v = http_percent_decode(r->arena, segs[i].p, segs[i].len, 0);
				FUZZ_CHECK(v != NULL && strcmp(v, r->params[k]) == 0);
				k++;
			}
			const char *slash = strchr(p, '/');
			p = slash ? slash + 1 : p + strlen(p);
		}
		FUZZ_CHECK(k == r->nparams);
		FUZZ_CHECK(router_dialect(real_rt, r) == r->route->dialect);
		break;
	}
	case ROUTER_NO_METHOD: {
		FUZZ_CHECK(r->route == NULL);
		FUZZ_CHECK(allowed != 0 && first == routes_count);
		FUZZ_CHECK(allow != NULL);
		fuzz_check_string(allow);
		/* exactly the allowed methods, in bit order, ", "-separated */
		char want[128] = "";
		for (unsigned bit = 1; bit <= HTTP_OPTIONS; bit <<= 1)
			if (allowed & bit)
				snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s", want[0] ? ", " : "",
					 http_method_name(bit));
		FUZZ_CHECK(strcmp(allow, want) == 0);
		break;
	}
	case ROUTER_NO_PATH:
		FUZZ_CHECK(r->route == NULL);
		/* (more than HTTP_MAX_PARAMS parameters would be no path too: no pattern has that) */
		FUZZ_CHECK(allowed == 0 && first == routes_count);
		break;
	default:
		FUZZ_CHECK(!"router_match returned no router_result");
	}
	if (m != ROUTER_FOUND) {
		/* the dialect that answers: the first prefix that matches, case-insensitively */
		const struct dialect *want = routes_fallback;
		for (size_t i = 0; i < routes_prefix_count; i++)
			if (strncasecmp(r->path, routes_prefixes[i].prefix, strlen(routes_prefixes[i].prefix)) == 0) {
				want = routes_prefixes[i].dialect;
				break;
			}
		FUZZ_CHECK(router_dialect(real_rt, r) == want);
	}
}

/* http_dispatch over the stub table, and the response head the worker writes. */
static void check_dispatch(struct request *r)
{
	static const struct http_hooks hooks = { stub_confirm, NULL };
	handler_ran = confirm_ran = 0;
	int malformed = r->malformed != HTTP_WELL_FORMED;
	http_dispatch(r, stub_rt, &hooks);
	int status = r->resp.status;
	FUZZ_CHECK(status >= 200 && status <= 599);
	FUZZ_CHECK(handler_ran <= 1 && confirm_ran <= 1);
	if (r->body_too_large)
		FUZZ_CHECK(status == 413 && !handler_ran);
	if (malformed)
		FUZZ_CHECK(!handler_ran && status >= 400);
	if (r->route != NULL && r->route->access != ACCESS_PUBLIC && http_bearer_token(r) == NULL &&
	    !r->body_too_large) {
		FUZZ_CHECK(!handler_ran);
		FUZZ_CHECK(status == 401 || (malformed && status == 400) || r->malformed == HTTP_BAD_PATH);
	}
	if (status == 401 && r->route != NULL && r->route->access != ACCESS_PUBLIC)
		FUZZ_CHECK(has_header(r, "WWW-Authenticate: Bearer\r\n"));
	if (status == 405)
		FUZZ_CHECK(r->err.allow != NULL && has_header(r, "Allow: "));
	if (status >= 400) {
		json_t *v = fuzz_check_json_reply(r);
		json_decref(v);
	}

	/* the worker adds X-Request-Id (nginx's $request_id), then writes the head */
	http_reply_header(r, "X-Request-Id", "0123456789abcdef0123456789abcdef");
	size_t len = 0;
	char *head = http_response_head(r, &len);
	FUZZ_CHECK(head != NULL && len == strlen(head));
	char want[32];
	snprintf(want, sizeof(want), "Status: %d ", status);
	FUZZ_CHECK(strncmp(head, want, strlen(want)) == 0);
	FUZZ_CHECK(len >= 4 && memcmp(head + len - 4, "\r\n\r\n", 4) == 0);
	/* every line ends in CRLF; no bare CR or LF could split a header */
	for (size_t i = 0; i < len; i++) {
		if (head[i] == '\n')
			FUZZ_CHECK(i > 0 && head[i - 1] == '\r');
		if (head[i] == '\r')
			FUZZ_CHECK(i + 1 < len && head[i + 1] == '\n');
	}
	char cl[48];
	snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", r->resp.body_len);
	FUZZ_CHECK(strstr(head, cl) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[NFIELDS];
	fuzz_split_lines(data, size, f, NFIELDS);
	flags = f[7] ? (unsigned char)f[7][0] : 0;

	arena_t *a = arena_create(0);
	struct request r;
	http_request_init(&r, a, NULL);
	http_request_parse(&r, f[0], f[1], f[2]);
	check_parse(&r, f);
	r.content_type = http_request_header(&r, f[3]);
	r.authorization = http_request_header(&r, f[4]);
	r.if_match = http_request_header(&r, f[5]);
	r.if_none_match = http_request_header(&r, f[6]);
	check_header(f[3], r.content_type);
	check_header(f[4], r.authorization);
	check_header(f[5], r.if_match);
	check_header(f[6], r.if_none_match);
	if (r.malformed == HTTP_WELL_FORMED) {
		for (int i = 3; i <= 6; i++)
			FUZZ_CHECK(f[i] == NULL || utf8_valid(f[i], strlen(f[i])));
	}
	r.body_too_large = (flags & 2) != 0;

	check_match(&r);
	/* the worker dispatches a request nothing has matched yet */
	r.route = NULL;
	r.nparams = 0;
	check_dispatch(&r);

	arena_destroy(a);
	fuzz_fields_free(f, NFIELDS);
	return 0;
}

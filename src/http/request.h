/* One HTTP request as the worker saw it (CGI parameters, query, capped body), checked once
 * for encoding, plus everything that lives for exactly that request: its arena, caller,
 * error and response. */
#ifndef AUTHZD_HTTP_REQUEST_H
#define AUTHZD_HTTP_REQUEST_H

#include <stdint.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/caller.h"
#include "core/status.h"
#include "http/response.h"

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_PATCH = 1 << 4,
	HTTP_DELETE = 1 << 5,
	HTTP_OPTIONS = 1 << 6,
};

#define HTTP_MAX_PARAMS 8
#define HTTP_MAX_QUERY 32

struct route;
struct service;

struct query_pair {
	const char *name;
	const char *value;
};

/* Why the request cannot be served as sent (found while parsing, answered by dispatch). */
enum http_malformed {
	HTTP_WELL_FORMED = 0,
	HTTP_BAD_PATH,        /* the path is not UTF-8: no such resource (404) */
	HTTP_BAD_QUERY,       /* a malformed escape or invalid UTF-8 in the query (400) */
	HTTP_BAD_HEADER,      /* a header we read is not UTF-8 (400) */
};

struct request {
	arena_t *arena;
	const struct service *svc;      /* the worker's database and configuration */

	unsigned method;                /* one enum http_method bit; 0 if unknown */
	const char *method_name;
	const char *path;               /* raw path, query stripped; valid UTF-8 */
	const char *query;              /* raw query string, "" if none */
	const char *content_type;       /* NULL if none */
	const char *authorization;
	const char *if_match;
	const char *if_none_match;
	const char *host;               /* lower-cased, port stripped; NULL if absent or odd */
	const char *request_id;         /* nginx's $request_id */
	const char *remote_addr;        /* nginx's $remote_addr (REMOTE_ADDR) */
	const char *body;               /* NUL-terminated, body_len bytes */
	size_t body_len;
	int body_too_large;             /* nginx or the worker refused the body */
	enum http_malformed malformed;

	const struct route *route;
	const char *params[HTTP_MAX_PARAMS];  /* path parameters, percent-decoded, valid UTF-8 */
	size_t nparams;

	struct query_pair query_pairs[HTTP_MAX_QUERY];
	size_t nquery;

	struct caller caller;           /* who calls: set by authentication or by the handler */
	struct app_error err;
	struct response resp;
	int64_t started_ns;             /* monotonic clock when the worker accepted it */
};

/* Resets r to an empty request bound to arena a. */
void http_request_init(struct request *r, arena_t *a, const struct service *svc);
unsigned http_method_parse(const char *name);
const char *http_method_name(unsigned method);

/* Sets the raw request line parts and headers, checking each once: a path, query or header
 * that is not UTF-8 (or a query with a malformed escape) marks r->malformed. Any argument
 * may be NULL. */
void http_request_parse(struct request *r, const char *method, const char *uri, const char *host);
/* A header value as the request carries it: NULL when absent or empty, and marks the
 * request malformed (returning NULL) when it is not UTF-8. */
const char *http_request_header(struct request *r, const char *value);

/* Percent-decodes s (and '+' as space when form is set) into the arena; NULL if malformed,
 * if it decodes to a NUL byte, or if the result is not UTF-8. */
char *http_percent_decode(arena_t *a, const char *s, size_t len, int form);

/* The decoded value of query parameter name (first occurrence), or NULL. */
const char *http_query_get(const struct request *r, const char *name);

/* Parses application/x-www-form-urlencoded text into at most max pairs (arena strings):
 * the number of pairs, or -1 if any pair is malformed (a bad escape or invalid UTF-8). */
int http_form_parse(arena_t *a, const char *text, size_t len, struct query_pair *pairs, size_t max);
const char *http_form_get(const struct query_pair *pairs, size_t n, const char *name);
/* How many times name occurs. */
size_t http_form_count(const struct query_pair *pairs, size_t n, const char *name);

/* 1 if content type ct (parameters ignored) is type, case-insensitively. */
int http_media_type_is(const char *ct, const char *type);

/* Parses the body as a JSON object or array after checking the content type. On failure
 * sets r->err (ST_BAD_REQUEST) and returns it. The value is released with the arena. */
status_t http_body_json(struct request *r, json_t **out);

#endif

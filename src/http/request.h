/* One HTTP request as the worker saw it (CGI parameters, query, capped body) plus
 * everything that lives for exactly that request: its arena, error and response. */
#ifndef AUTHZD_HTTP_REQUEST_H
#define AUTHZD_HTTP_REQUEST_H

#include <stdint.h>

#include <jansson.h>

#include "arena.h"
#include "auth/auth.h"
#include "status.h"
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

struct request {
	arena_t *arena;
	struct service *svc;            /* the worker's database and configuration */

	unsigned method;                /* one enum http_method bit; 0 if unknown */
	const char *method_name;
	const char *path;               /* raw path, query stripped */
	const char *query;              /* raw query string, "" if none */
	const char *content_type;       /* NULL if none */
	const char *authorization;
	const char *if_match;
	const char *scheme;             /* "http" or "https" */
	const char *host;
	const char *body;               /* NUL-terminated, body_len bytes */
	size_t body_len;
	int body_too_large;             /* nginx or the worker refused the body */

	const struct route *route;
	const char *params[HTTP_MAX_PARAMS];  /* path parameters, percent-decoded */
	size_t nparams;

	struct query_pair query_pairs[HTTP_MAX_QUERY];
	size_t nquery;
	int query_parsed;

	struct auth auth;               /* the caller, on routes that need a scope */
	struct app_error err;
	struct response resp;
};

/* Resets r to an empty request bound to arena a. */
void http_request_init(struct request *r, arena_t *a, struct service *svc);
unsigned http_method_parse(const char *name);
const char *http_method_name(unsigned method);

/* Percent-decodes s (and '+' as space when form is set) into the arena; NULL if malformed
 * or if it decodes to a NUL byte. */
char *http_percent_decode(arena_t *a, const char *s, size_t len, int form);

/* The decoded value of query parameter name (first occurrence), or NULL. */
const char *http_query_get(struct request *r, const char *name);

/* Parses application/x-www-form-urlencoded text into at most max pairs (arena strings);
 * returns how many. The query string uses the same rules. */
size_t http_form_parse(arena_t *a, const char *text, size_t len, struct query_pair *pairs, size_t max);
const char *http_form_get(const struct query_pair *pairs, size_t n, const char *name);

/* 1 if content type ct (parameters ignored) is type, case-insensitively. */
int http_media_type_is(const char *ct, const char *type);

/* Parses the body as a JSON object or array after checking the content type. On failure
 * sets r->err (ST_BAD_REQUEST) and returns it. The value is released with the arena. */
status_t http_body_json(struct request *r, json_t **out);

#endif

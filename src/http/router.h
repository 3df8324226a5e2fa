/* Route matching: a table of {methods, pattern, handler, scope, dialect} compiled once at
 * start-up; a lookup tells "no such path" (404) from "wrong method" (405). */
#ifndef AUTHZD_HTTP_ROUTER_H
#define AUTHZD_HTTP_ROUTER_H

#include <stddef.h>

#include "status.h"
#include "http/request.h"

struct dialect;

typedef status_t (*route_handler_fn)(struct request *r);

struct route {
	unsigned methods;             /* enum http_method bits */
	const char *pattern;          /* "/api/2/api_authorizations/:id"; literals match case-insensitively */
	route_handler_fn handler;
	const char *scope;            /* scope the caller's token needs; NULL = public */
	const struct dialect *dialect;
};

enum router_result { ROUTER_FOUND, ROUTER_NO_PATH, ROUTER_NO_METHOD };

struct router;

/* Compiles table (which must outlive the router). Returns NULL and logs on a bad pattern. */
struct router *router_compile(const struct route *table, size_t n);
void router_free(struct router *rt);

/* Matches r->method and r->path. FOUND sets r->route and r->params; NO_METHOD fills
 * *allow with the Allow header value (arena string); NO_PATH and NO_METHOD leave r->route
 * NULL. A malformed percent-escape in a parameter counts as no path. */
enum router_result router_match(const struct router *rt, struct request *r, const char **allow);

#endif

/* Route matching: a table of {name, methods, pattern, handler, access, dialect} compiled
 * once at start-up; a lookup tells "no such path" (404) from "wrong method" (405), and a
 * path no route knows still finds the dialect that owns its prefix. */
#ifndef AUTHZD_HTTP_ROUTER_H
#define AUTHZD_HTTP_ROUTER_H

#include <stddef.h>

#include "core/access.h"
#include "core/status.h"
#include "http/request.h"

/* A dialect as http sees it: a name and the renderer of every error its clients get. */
struct dialect {
	const char *name;
	/* Renders r->err (status, message, field, details) as this dialect's status and body. */
	void (*reply_error)(struct request *r);
};

typedef status_t (*route_handler_fn)(struct request *r);

struct route {
	const char *name;             /* "onelogin.server.get": metrics and logs say this */
	unsigned methods;             /* enum http_method bits */
	const char *pattern;          /* "/api/2/api_authorizations/:id"; literals match case-insensitively */
	route_handler_fn handler;
	enum access access;           /* what the caller's token must grant; ACCESS_PUBLIC: none */
	const struct dialect *dialect;
};

/* Paths no route matches belong to the dialect of their prefix (case-insensitive). */
struct route_prefix {
	const char *prefix;
	const struct dialect *dialect;
};

enum router_result { ROUTER_FOUND, ROUTER_NO_PATH, ROUTER_NO_METHOD };

struct router;

/* Compiles the tables (which must outlive the router); fallback answers paths under no
 * prefix. Returns NULL and logs on a bad pattern. */
struct router *router_compile(const struct route *table, size_t n, const struct route_prefix *prefixes,
			      size_t nprefixes, const struct dialect *fallback);
void router_free(struct router *rt);

/* Matches r->method and r->path. FOUND sets r->route and r->params; NO_METHOD fills
 * *allow with the Allow header value (arena string); NO_PATH and NO_METHOD leave r->route
 * NULL. A malformed percent-escape (or invalid UTF-8) in a parameter counts as no path. */
enum router_result router_match(const struct router *rt, struct request *r, const char **allow);
/* The dialect that answers for r: its route's, else its path prefix's. */
const struct dialect *router_dialect(const struct router *rt, const struct request *r);

#endif

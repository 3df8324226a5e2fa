/* From a parsed request to a finished response, in named phases:
 *   route        the table finds the route (404/405) and with it the dialect
 *   check        what parsing found wrong: encoding (400/404); a body too large (413) is
 *                refused even before routing
 *   authenticate a protected route's bearer token becomes the request's caller (401)
 *   handle       the handler maps, validates and makes its database call
 *   confirm      an answer no statement produced still waits for the token check
 *   render       any failure becomes the dialect's error body
 *   finish       the hook that counts and logs the request
 * http/ knows no dialect and no database: the process layer passes the hooks. */
#ifndef AUTHZD_HTTP_DISPATCH_H
#define AUTHZD_HTTP_DISPATCH_H

#include "http/request.h"
#include "http/router.h"

struct http_hooks {
	/* Checks r->caller on its own (no statement of the handler did); returns its status. */
	status_t (*confirm_caller)(struct request *r);
	/* Runs once the response is complete (metrics, access log); may be NULL. */
	void (*finished)(struct request *r, status_t st);
};

/* Always leaves a complete response in r->resp. */
void http_dispatch(struct request *r, const struct router *rt, const struct http_hooks *hooks);

#endif

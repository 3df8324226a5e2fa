/* Request dispatch. Handlers return a status; every non-OK status is rendered here by the
 * route's dialect (or, for unknown paths, the dialect owning the path prefix). */
#include "http/dispatch.h"

#include "auth/auth.h"
#include "db/db_auth.h"
#include "service.h"
#include "dialect/dialect.h"
#include "log.h"
#include "routes.h"

/* Handlers check the token inside the statement that serves the request. An answer that
 * needed no statement (a 400 for a bad body, a static list) is sent only once the token has
 * been checked on its own: a bad token always gets 401, whatever else is wrong. */
static status_t confirm_caller(struct request *r, status_t st)
{
	if (r->route->scope == NULL || r->auth.verified || st == ST_UNAUTHORIZED ||
	    st == ST_FORBIDDEN || st == ST_UNAVAILABLE || st == ST_INTERNAL)
		return st;
	status_t auth = db_auth_check(r->svc->db, r->arena, &r->auth);
	if (auth == ST_OK)
		return st;
	r->resp.status = 0;
	r->resp.headers_len = 0;
	r->err.ndetails = 0;
	r->err.field = NULL;
	return error_set(&r->err, auth, NULL, NULL);
}

void http_dispatch(struct request *r, const struct router *rt)
{
	const char *allow = NULL;
	status_t st;
	enum router_result m = router_match(rt, r, &allow);
	const struct dialect *d = m == ROUTER_FOUND ? r->route->dialect
						    : routes_dialect_for_path(r->path);

	if (m == ROUTER_NO_PATH) {
		st = error_set(&r->err, ST_NOT_FOUND, NULL, NULL);
	} else if (m == ROUTER_NO_METHOD) {
		r->err.allow = allow;
		st = error_set(&r->err, ST_METHOD_NOT_ALLOWED, NULL, NULL);
	} else if (r->body_too_large) {
		st = error_set(&r->err, ST_TOO_LARGE, NULL, NULL);
	} else if (r->route->scope != NULL && (st = auth_bearer(r, r->route->scope)) != ST_OK) {
		/* no usable bearer token: refused before any database work */
	} else {
		st = r->route->handler(r);
		if (st == ST_OK && r->resp.status == 0) {
			log_error("%s %s: handler returned OK without a response", r->method_name,
				  r->route->pattern);
			st = error_set(&r->err, ST_INTERNAL, NULL, NULL);
		}
		st = confirm_caller(r, st);
	}
	if (st == ST_OK)
		return;

	/* The handler may have started a response before failing: start over. */
	r->resp.headers_len = 0;
	r->err.status = st;
	if (st == ST_METHOD_NOT_ALLOWED && r->err.allow != NULL)
		http_reply_header(r, "Allow", r->err.allow);
	if (st == ST_UNAVAILABLE && r->err.retry_after == 0)
		r->err.retry_after = 1;
	if (st == ST_UNAUTHORIZED && r->route != NULL && r->route->scope != NULL)
		http_reply_header(r, "WWW-Authenticate", "Bearer");
	if (r->err.retry_after > 0)
		http_reply_header(r, "Retry-After", arena_sprintf(r->arena, "%d", r->err.retry_after));
	d->reply_error(r);
}

/* Request dispatch. Handlers return a status; every non-OK status is rendered here by the
 * route's dialect (or, for unknown paths, the dialect owning the path prefix). */
#include "http/dispatch.h"

#include <string.h>

#include "core/crypto.h"
#include "core/log.h"
#include "http/credentials.h"

static status_t check_request(struct request *r)
{
	switch (r->malformed) {
	case HTTP_WELL_FORMED:
		break;
	case HTTP_BAD_PATH:
		return error_set(&r->err, ST_NOT_FOUND, NULL, NULL);
	case HTTP_BAD_QUERY:
		return error_set(&r->err, ST_BAD_REQUEST, NULL,
				 "The query string has a malformed percent-escape or is not UTF-8");
	case HTTP_BAD_HEADER:
		return error_set(&r->err, ST_BAD_REQUEST, NULL, "A request header is not UTF-8");
	}
	return ST_OK;
}

/* A protected route's caller: the bearer token (hashed) and the access the route needs.
 * Its validity is checked in the database, in the same round trip as the handler's call. */
static status_t authenticate(struct request *r)
{
	enum access need = r->route->access;
	if (need == ACCESS_PUBLIC)
		return ST_OK;
	const char *token = http_bearer_token(r);
	if (token == NULL)
		return error_set(&r->err, ST_UNAUTHORIZED, NULL, NULL);
	r->caller.kind = CALLER_TOKEN;
	r->caller.need = need;
	crypto_sha256_str(token, r->caller.token_hash);
	return ST_OK;
}

/* An answer that needed no statement (a 400 for a bad body, a static list) is sent only
 * once the token has been checked on its own: a bad token always gets 401. */
static status_t confirm(struct request *r, const struct http_hooks *hooks, status_t st)
{
	if (r->caller.kind != CALLER_TOKEN || r->caller.verified || st == ST_UNAUTHORIZED ||
	    st == ST_FORBIDDEN || st == ST_UNAVAILABLE || st == ST_INTERNAL)
		return st;
	status_t auth = hooks->confirm_caller(r);
	if (auth == ST_OK)
		return st;
	error_clear(&r->err);
	return error_set(&r->err, auth, NULL, NULL);
}

static status_t handle(struct request *r)
{
	status_t st = r->route->handler(r);
	if (st == ST_OK && r->resp.status == 0) {
		log_error("%s %s: handler returned OK without a response", r->method_name, r->route->name);
		st = error_set(&r->err, ST_INTERNAL, NULL, NULL);
	}
	return st;
}

static void render(struct request *r, const struct dialect *d, status_t st)
{
	/* The handler may have started a response before failing: start over. */
	http_reply_reset(r);
	r->err.status = st;
	if (st == ST_METHOD_NOT_ALLOWED && r->err.allow != NULL)
		http_reply_header(r, "Allow", r->err.allow);
	if (st == ST_UNAVAILABLE && r->err.retry_after == 0)
		r->err.retry_after = 1;
	if (st == ST_UNAUTHORIZED && r->route != NULL && r->route->access != ACCESS_PUBLIC)
		http_reply_header(r, "WWW-Authenticate", "Bearer");
	if (r->err.retry_after > 0)
		http_reply_header(r, "Retry-After", arena_sprintf(r->arena, "%d", r->err.retry_after));
	d->reply_error(r);
}

void http_dispatch(struct request *r, const struct router *rt, const struct http_hooks *hooks)
{
	const char *allow = NULL;
	status_t st = ST_OK;
	enum router_result m = r->malformed == HTTP_BAD_PATH ? ROUTER_NO_PATH : router_match(rt, r, &allow);

	/* A body too large is refused before anything else: nginx may have handed the request
	 * over as a GET (error pages change the method), so its route says nothing. */
	if (r->body_too_large) {
		r->route = NULL;
		m = ROUTER_NO_PATH;
		st = error_set(&r->err, ST_TOO_LARGE, NULL, NULL);
	} else if (m == ROUTER_NO_PATH) {
		st = error_set(&r->err, ST_NOT_FOUND, NULL, NULL);
	} else if (m == ROUTER_NO_METHOD) {
		r->err.allow = allow;
		st = error_set(&r->err, ST_METHOD_NOT_ALLOWED, NULL, NULL);
	} else if ((st = check_request(r)) == ST_OK && (st = authenticate(r)) == ST_OK) {
		st = handle(r);
	}
	if (m == ROUTER_FOUND)
		st = confirm(r, hooks, st);
	if (st != ST_OK)
		render(r, router_dialect(rt, r), st);
	if (hooks->finished != NULL)
		hooks->finished(r, st);
}

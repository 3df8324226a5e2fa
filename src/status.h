/* Status codes every layer returns, and the error value a request carries until its
 * dialect renders it (cf. ereport's errcode/errmsg/errdetail). */
#ifndef AUTHZD_STATUS_H
#define AUTHZD_STATUS_H

#include <stddef.h>

#include "arena.h"

typedef enum status {
	ST_OK = 0,
	ST_BAD_REQUEST,          /* 400: malformed body, wrong type or content type, missing field */
	ST_UNAUTHORIZED,         /* 401 */
	ST_FORBIDDEN,            /* 403 */
	ST_NOT_FOUND,            /* 404 */
	ST_METHOD_NOT_ALLOWED,   /* 405 */
	ST_CONFLICT,             /* 409 */
	ST_PRECONDITION_FAILED,  /* 412 */
	ST_TOO_LARGE,            /* 413 */
	ST_INVALID,              /* a well-formed request whose values break the rules (422 for OneLogin) */
	ST_RATE_LIMITED,         /* 429 */
	ST_INTERNAL,             /* 500: a bug or a server-side failure, never client input */
	ST_UNAVAILABLE,          /* 503: database unreachable; retry */
} status_t;

/* One failing rule: field is the canonical model field ("resource_identifier"), message the
 * rule in words ("can't be blank"). Dialects decide how to show both. */
struct error_detail {
	const char *field;
	const char *message;
};

#define ERROR_MAX_DETAILS 32

struct app_error {
	status_t status;
	const char *field;        /* the one offending field of a 400, if any */
	const char *message;      /* a short sentence, safe to show the client */
	struct error_detail details[ERROR_MAX_DETAILS];
	size_t ndetails;
	int retry_after;          /* seconds, for 429/503; 0 = no header */
	const char *allow;        /* for 405: the Allow header value */
};

int status_http_code(status_t st);
const char *status_reason(int http_code);

/* Records the error and returns its status, so callers can `return error_set(...)`. */
status_t error_set(struct app_error *e, status_t st, const char *field, const char *message);
/* Appends a failing rule (silently keeps the first ERROR_MAX_DETAILS). */
void error_add(struct app_error *e, const char *field, const char *message);

#endif

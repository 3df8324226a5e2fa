/* Status codes every layer returns, and the error value a request carries until its
 * dialect renders it (cf. ereport's errcode, errmsg and errdetail). A failing rule is a
 * code with a limit, not a sentence: each dialect words it its own way. */
#ifndef AUTHZD_STATUS_H
#define AUTHZD_STATUS_H

#include <stddef.h>

typedef enum status {
	ST_OK = 0,
	ST_BAD_REQUEST,          /* 400: malformed body, wrong type or content type, missing field */
	ST_UNAUTHORIZED,         /* 401 */
	ST_FORBIDDEN,            /* 403 */
	ST_NOT_FOUND,            /* 404 */
	ST_METHOD_NOT_ALLOWED,   /* 405 */
	ST_REQUEST_TIMEOUT,      /* 408: nginx gave up reading the request */
	ST_CONFLICT,             /* 409 */
	ST_LENGTH_REQUIRED,      /* 411 */
	ST_PRECONDITION_FAILED,  /* 412 */
	ST_TOO_LARGE,            /* 413 */
	ST_URI_TOO_LONG,         /* 414 */
	ST_INVALID,              /* a well-formed request whose values break the rules (422 for OneLogin) */
	ST_RATE_LIMITED,         /* 429 */
	ST_HEADERS_TOO_LARGE,    /* 431 */
	ST_INTERNAL,             /* 500: a bug or a server-side failure, never client input */
	ST_NOT_IMPLEMENTED,      /* 501 */
	ST_BAD_GATEWAY,          /* 502: nginx lost the worker (a crash or a kill) */
	ST_UNAVAILABLE,          /* 503: database unreachable; retry */
	ST_GATEWAY_TIMEOUT,      /* 504 */
} status_t;

/* Why a value breaks a rule. The limit, where there is one, is in error_detail.limit. */
enum rule {
	RULE_MESSAGE = 0,        /* no rule code: the detail's message says it all */
	RULE_REQUIRED,           /* missing, or nothing but white space */
	RULE_TOO_LONG,           /* more than limit characters */
	RULE_TOO_MANY,           /* more than limit items */
	RULE_TOO_FEW,            /* fewer than limit items */
	RULE_TOO_SMALL,          /* less than limit */
	RULE_TOO_LARGE,          /* more than limit */
	RULE_NOT_URI,            /* not an absolute URI */
	RULE_NOT_URL,            /* not an absolute http(s) URL */
	RULE_HAS_SPACES,         /* contains white space */
	RULE_ITEM_BLANK,         /* a list item is blank */
	RULE_ITEM_SPACES,        /* a list item has leading or trailing white space */
	RULE_ITEM_TOO_LONG,      /* a list item is longer than limit characters */
	RULE_DUPLICATES,         /* a list holds one value twice */
	RULE_NOT_ALLOWED,        /* a list item outside the allowed set, or one given twice */
	RULE_MISSING_ITEM,       /* a list lacks the item it must hold */
	RULE_BAD_ITEMS,          /* list items break their own rules (names, lengths, uniqueness) */
	RULE_TAKEN,              /* unique: another record holds the value */
};

/* One failing rule of one canonical model field ("resource_identifier"). */
struct error_detail {
	const char *field;
	enum rule rule;
	long limit;
	const char *message;      /* RULE_MESSAGE: the text, already safe to show; else the item */
};

#define ERROR_MAX_DETAILS 32

struct app_error {
	status_t status;
	const char *field;        /* the one offending field of a 400 (or the dialect's error code) */
	const char *message;      /* a short sentence, safe to show the client */
	struct error_detail details[ERROR_MAX_DETAILS];
	size_t ndetails;
	int retry_after;          /* seconds, for 429/503; 0 = no header */
	const char *allow;        /* for 405: the Allow header value */
};

int status_http_code(status_t st);
/* The status of an HTTP code nginx may answer with itself; ST_INTERNAL if none fits. */
status_t status_from_http_code(int code);
const char *status_reason(int http_code);

/* Records the error and returns its status, so callers can `return error_set(...)`. */
status_t error_set(struct app_error *e, status_t st, const char *field, const char *message);
/* Appends a failing rule (silently keeps the first ERROR_MAX_DETAILS). */
void error_add(struct app_error *e, const char *field, enum rule rule, long limit);
void error_add_message(struct app_error *e, const char *field, const char *message);
/* A rule about one item (RULE_MISSING_ITEM: which); the item goes in the detail's message. */
void error_add_item(struct app_error *e, const char *field, enum rule rule, const char *item);
/* ST_INVALID if details were added since `before` (and sets e->status), else ST_OK. */
status_t error_verdict(struct app_error *e, size_t before);
/* Forgets everything recorded, for a handler that starts over. */
void error_clear(struct app_error *e);

#endif

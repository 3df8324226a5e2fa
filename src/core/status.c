/* Status codes to HTTP codes and reason phrases; the error value's setters. */
#include "core/status.h"

#include <string.h>

static const struct {
	status_t st;
	int code;
	const char *reason;
} codes[] = {
	{ ST_OK, 200, "OK" },
	{ ST_BAD_REQUEST, 400, "Bad Request" },
	{ ST_UNAUTHORIZED, 401, "Unauthorized" },
	{ ST_FORBIDDEN, 403, "Forbidden" },
	{ ST_NOT_FOUND, 404, "Not Found" },
	{ ST_METHOD_NOT_ALLOWED, 405, "Method Not Allowed" },
	{ ST_REQUEST_TIMEOUT, 408, "Request Timeout" },
	{ ST_CONFLICT, 409, "Conflict" },
	{ ST_LENGTH_REQUIRED, 411, "Length Required" },
	{ ST_PRECONDITION_FAILED, 412, "Precondition Failed" },
	{ ST_TOO_LARGE, 413, "Payload Too Large" },
	{ ST_URI_TOO_LONG, 414, "URI Too Long" },
	{ ST_INVALID, 422, "Unprocessable Entity" },
	{ ST_RATE_LIMITED, 429, "Too Many Requests" },
	{ ST_HEADERS_TOO_LARGE, 431, "Request Header Fields Too Large" },
	{ ST_INTERNAL, 500, "Internal Server Error" },
	{ ST_NOT_IMPLEMENTED, 501, "Not Implemented" },
	{ ST_BAD_GATEWAY, 502, "Bad Gateway" },
	{ ST_UNAVAILABLE, 503, "Service Unavailable" },
	{ ST_GATEWAY_TIMEOUT, 504, "Gateway Timeout" },
};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

int status_http_code(status_t st)
{
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i].st == st)
			return codes[i].code;
	return 500;
}

status_t status_from_http_code(int code)
{
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i].code == code)
			return codes[i].st;
	return ST_INTERNAL;
}

const char *status_reason(int code)
{
	switch (code) {
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 415: return "Unsupported Media Type";
	default: break;
	}
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i].code == code)
			return codes[i].reason;
	return "Unknown";
}

status_t error_set(struct app_error *e, status_t st, const char *field, const char *message)
{
	e->status = st;
	e->field = field;
	e->message = message;
	return st;
}

static struct error_detail *next_detail(struct app_error *e)
{
	return e->ndetails < ERROR_MAX_DETAILS ? &e->details[e->ndetails++] : NULL;
}

void error_add(struct app_error *e, const char *field, enum rule rule, long limit)
{
	struct error_detail *d = next_detail(e);
	if (d != NULL)
		*d = (struct error_detail){ field, rule, limit, NULL };
}

void error_add_message(struct app_error *e, const char *field, const char *message)
{
	struct error_detail *d = next_detail(e);
	if (d != NULL)
		*d = (struct error_detail){ field, RULE_MESSAGE, 0, message };
}

void error_add_item(struct app_error *e, const char *field, enum rule rule, const char *item)
{
	struct error_detail *d = next_detail(e);
	if (d != NULL)
		*d = (struct error_detail){ field, rule, 0, item };
}

status_t error_verdict(struct app_error *e, size_t before)
{
	if (e->ndetails == before)
		return ST_OK;
	e->status = ST_INVALID;
	return ST_INVALID;
}

void error_clear(struct app_error *e)
{
	memset(e, 0, sizeof(*e));
}

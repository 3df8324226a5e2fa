/* Status codes to HTTP codes and reason phrases; the error value's two setters. */
#include "status.h"

int status_http_code(status_t st)
{
	switch (st) {
	case ST_OK: return 200;
	case ST_BAD_REQUEST: return 400;
	case ST_UNAUTHORIZED: return 401;
	case ST_FORBIDDEN: return 403;
	case ST_NOT_FOUND: return 404;
	case ST_METHOD_NOT_ALLOWED: return 405;
	case ST_CONFLICT: return 409;
	case ST_PRECONDITION_FAILED: return 412;
	case ST_TOO_LARGE: return 413;
	case ST_INVALID: return 422;
	case ST_RATE_LIMITED: return 429;
	case ST_INTERNAL: return 500;
	case ST_UNAVAILABLE: return 503;
	}
	return 500;
}

const char *status_reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

status_t error_set(struct app_error *e, status_t st, const char *field, const char *message)
{
	e->status = st;
	e->field = field;
	e->message = message;
	return st;
}

void error_add(struct app_error *e, const char *field, const char *message)
{
	if (e->ndetails < ERROR_MAX_DETAILS) {
		e->details[e->ndetails].field = field;
		e->details[e->ndetails].message = message;
		e->ndetails++;
	}
}

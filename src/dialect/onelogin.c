/* OneLogin dialect: the error body {message, statusCode, name} (plus field for a 400),
 * with the messages OneLogin's own API sends. */
#include "dialect/onelogin.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dialect/dialect.h"

const char *onelogin_humanize(arena_t *a, const char *field)
{
	char *h = arena_strdup(a, field);
	for (char *p = h; *p; p++)
		if (*p == '_' || *p == '.')
			*p = ' ';
	h[0] = (char)toupper((unsigned char)h[0]);
	return h;
}

const char *onelogin_validation_message(arena_t *a, const struct app_error *e)
{
	size_t cap = 32;
	for (size_t i = 0; i < e->ndetails; i++)
		cap += strlen(e->details[i].field) + strlen(e->details[i].message) + 4;
	char *msg = arena_alloc(a, cap);
	size_t o = (size_t)snprintf(msg, cap, "Validation failed");
	for (size_t i = 0; i < e->ndetails; i++)
		o += (size_t)snprintf(msg + o, cap - o, "%s%s %s", i ? ", " : ": ",
				      onelogin_humanize(a, e->details[i].field), e->details[i].message);
	return msg;
}

int64_t onelogin_parse_id(const char *s)
{
	if (s == NULL || *s < '1' || *s > '9' || strlen(s) > 19)
		return 0;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	return errno == 0 ? (int64_t)v : 0;
}

static void reply_error(struct request *r)
{
	const struct app_error *e = &r->err;
	int code = status_http_code(e->status);
	const char *name, *message;

	switch (e->status) {
	case ST_BAD_REQUEST: name = "BadRequestError"; message = "Bad Request"; break;
	case ST_UNAUTHORIZED: name = "UnauthorizedError"; message = "Unauthorized"; break;
	case ST_FORBIDDEN: name = "ForbiddenError"; message = "Forbidden"; break;
	case ST_NOT_FOUND:
		name = "NotFoundError";
		message = "The resource with the given id could not be found";
		break;
	case ST_METHOD_NOT_ALLOWED: name = "MethodNotAllowedError"; message = "Method Not Allowed"; break;
	case ST_CONFLICT: name = "ConflictError"; message = "Conflict"; break;
	case ST_PRECONDITION_FAILED: name = "PreconditionFailedError"; message = "Precondition Failed"; break;
	case ST_TOO_LARGE: name = "PayloadTooLargeError"; message = "Payload Too Large"; break;
	case ST_INVALID:
		name = "UnprocessableEntityError";
		message = onelogin_validation_message(r->arena, e);
		break;
	case ST_RATE_LIMITED: name = "TooManyRequestsError"; message = "Too Many Requests"; break;
	case ST_UNAVAILABLE: name = "ServiceUnavailableError"; message = "Service Unavailable"; break;
	case ST_OK:
	case ST_INTERNAL:
	default:
		code = 500;
		name = "InternalServerError";
		message = "Internal Server Error";
		break;
	}
	if (e->message != NULL && e->status != ST_INVALID && e->status != ST_INTERNAL)
		message = e->message;

	json_t *body = json_object();
	if (e->field != NULL)
		json_object_set_new(body, "field", json_string(e->field));
	json_object_set_new(body, "message", json_string(message));
	json_object_set_new(body, "statusCode", json_integer(code));
	json_object_set_new(body, "name", json_string(name));
	http_reply_json(r, code, body);
}

const struct dialect dialect_onelogin = { "onelogin", reply_error };

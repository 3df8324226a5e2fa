/* OneLogin dialect: the error body {message, statusCode, name} (plus field for a 400),
 * with the messages OneLogin's own API sends. */
#include "dialect/onelogin.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dialect/dialect.h"
#include "http/response.h"

const char *onelogin_humanize(arena_t *a, const char *field)
{
	char *h = arena_strdup(a, field);
	for (char *p = h; *p; p++)
		if (*p == '_' || *p == '.')
			*p = ' ';
	h[0] = (char)toupper((unsigned char)h[0]);
	return h;
}

const char *onelogin_rule_message(arena_t *a, const struct error_detail *d)
{
	switch (d->rule) {
	case RULE_MESSAGE: return d->message;
	case RULE_REQUIRED: return "can't be blank";
	case RULE_TOO_LONG: return arena_sprintf(a, "is too long (maximum is %ld characters)", d->limit);
	case RULE_TOO_MANY: return arena_sprintf(a, "is too long (maximum is %ld %s)", d->limit, d->field);
	case RULE_TOO_FEW: return arena_sprintf(a, "is too short (minimum is %ld)", d->limit);
	case RULE_TOO_SMALL: return arena_sprintf(a, "must be greater than %ld", d->limit - 1);
	case RULE_TOO_LARGE: return arena_sprintf(a, "must be less than or equal to %ld", d->limit);
	case RULE_NOT_URI: return "is not a valid URI";
	case RULE_NOT_URL: return "is not a valid URL";
	case RULE_HAS_SPACES: return "can't contain spaces";
	case RULE_ITEM_BLANK: return "can't contain blank values";
	case RULE_ITEM_SPACES: return "can't have leading or trailing spaces";
	case RULE_ITEM_TOO_LONG: return arena_sprintf(a, "can't contain values longer than %ld characters", d->limit);
	case RULE_DUPLICATES: return "can't contain duplicates";
	case RULE_NOT_ALLOWED: return "is not included in the list";
	case RULE_MISSING_ITEM: return arena_sprintf(a, "must include %s", d->message);
	case RULE_BAD_ITEMS: return "is invalid";
	case RULE_TAKEN: return "has already been taken";
	}
	return "is invalid";
}

const char *onelogin_validation_message(arena_t *a, const struct app_error *e)
{
	const char *msg = "Validation failed";
	for (size_t i = 0; i < e->ndetails; i++)
		msg = arena_sprintf(a, "%s%s%s %s", msg, i ? ", " : ": ", onelogin_humanize(a, e->details[i].field),
				    onelogin_rule_message(a, &e->details[i]));
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

status_t onelogin_field_string(struct request *r, json_t *obj, const char *key, int required,
			       const char **out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL && required)
		return error_set(&r->err, ST_BAD_REQUEST, key, "Missing required field");
	if (v == NULL || json_is_null(v))
		return ST_OK;
	if (!json_is_string(v))
		return error_set(&r->err, ST_BAD_REQUEST, key, "Must be a string");
	*out = json_string_value(v);
	return ST_OK;
}

status_t onelogin_field_int(struct request *r, json_t *obj, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL || json_is_null(v))
		return ST_OK;
	if (!json_is_integer(v))
		return error_set(&r->err, ST_BAD_REQUEST, key, "Must be an integer");
	json_int_t i = json_integer_value(v);
	/* clamped, so validation reports "too large" instead of a wrapped value */
	*out = i > INT_MAX ? INT_MAX : i < INT_MIN ? INT_MIN : (int)i;
	return ST_OK;
}

status_t onelogin_field_bool(struct request *r, json_t *obj, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL || json_is_null(v))
		return ST_OK;
	if (!json_is_boolean(v))
		return error_set(&r->err, ST_BAD_REQUEST, key, "Must be a boolean");
	*out = json_is_true(v);
	return ST_OK;
}

status_t onelogin_field_strings(struct request *r, json_t *obj, const char *key, struct strlist *out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL || json_is_null(v))
		return ST_OK;
	size_t n = json_is_array(v) ? json_array_size(v) : 0;
	const char **items = arena_alloc(r->arena, (n ? n : 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(v, i);
		if (!json_is_string(item))
			return error_set(&r->err, ST_BAD_REQUEST, key, "Must be an array of strings");
		items[i] = json_string_value(item);
	}
	if (!json_is_array(v))
		return error_set(&r->err, ST_BAD_REQUEST, key, "Must be an array of strings");
	out->items = items;
	out->n = n;
	return ST_OK;
}

status_t onelogin_field_ids(struct request *r, json_t *obj, const char *key, int required,
			    int64_t **out, size_t *n)
{
	json_t *v = json_object_get(obj, key);
	*n = 0;
	*out = NULL;
	if (v == NULL && required)
		return error_set(&r->err, ST_BAD_REQUEST, key, "Missing required field");
	if (v == NULL || json_is_null(v))
		return ST_OK;
	if (!json_is_array(v))
		return error_set(&r->err, ST_BAD_REQUEST, key, "Must be an array of integers");
	size_t len = json_array_size(v);
	int64_t *ids = arena_alloc(r->arena, (len ? len : 1) * sizeof(int64_t));
	for (size_t i = 0; i < len; i++) {
		json_t *item = json_array_get(v, i);
		if (!json_is_integer(item) || json_integer_value(item) < 1)
			return error_set(&r->err, ST_BAD_REQUEST, key, "Must be an array of integers");
		ids[i] = json_integer_value(item);
	}
	*out = ids;
	*n = len;
	return ST_OK;
}

status_t onelogin_object_body(struct request *r, json_t **body)
{
	status_t st = http_body_json(r, body);
	if (st == ST_OK && !json_is_object(*body))
		st = error_set(&r->err, ST_BAD_REQUEST, NULL, "Request body must be a JSON object");
	return st;
}

status_t onelogin_reply_id(struct request *r, int code, int64_t id)
{
	http_reply_json(r, code, json_pack("{s:I}", "id", (json_int_t)id));
	return ST_OK;
}

/* "Bad Gateway" -> "BadGatewayError" */
static const char *onelogin_error_name(arena_t *a, int code)
{
	const char *reason = status_reason(code);
	char *name = arena_alloc(a, strlen(reason) + 6), *o = name;
	for (const char *p = reason; *p; p++)
		if (isalnum((unsigned char)*p))
			*o++ = *p;
	strcpy(o, "Error");
	return name;
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
		code = 500;
		name = "InternalServerError";
		message = "Internal Server Error";
		break;
	default:
		/* what nginx may answer itself (408, 414, 502, ...): the reason phrase, in Pascal case */
		name = onelogin_error_name(r->arena, code);
		message = status_reason(code);
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

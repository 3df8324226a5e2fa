/* Venafi dialect: the HTTP-level error body {error, error_description} and the operation
 * table of /vedsdk/oauth, matched case-insensitively as real clients send any case. */
#include <string.h>
#include <strings.h>

#include "core/jsonx.h"
#include "dialect/dialect.h"
#include "dialect/venafi.h"
#include "dialect/venafi_ops.h"
#include "http/response.h"

static const struct venafi_op ops[] = {
	{ "CreateApplication", venafi_op_create_application },
	{ "GetApplication", venafi_op_get_application },
	{ "GetApplications", venafi_op_get_applications },
	{ "EnumerateApplications", venafi_op_enumerate_applications },
	{ "UpdateApplication", venafi_op_update_application },
	{ "DeleteApplication", venafi_op_delete_application },
	{ "GrantCount", venafi_op_grant_count },
	{ "GetScopes", venafi_op_get_scopes },
	{ "EnumerateGrants", venafi_op_enumerate_grants },
	{ "RevokeGrants", venafi_op_revoke_grants },
};

status_t venafi_oauth_operation(struct request *r)
{
	const struct venafi_op *op = NULL;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcasecmp(ops[i].name, r->params[0]) == 0)
			op = &ops[i];
	if (op == NULL)
		return error_set(&r->err, ST_NOT_FOUND, "invalid_request",
				 arena_sprintf(r->arena, "Unknown operation '%s'", r->params[0]));
	json_t *body;
	if (r->body_len == 0) {
		body = jsonx_arena_own(r->arena, json_object());       /* GetScopes takes none */
	} else {
		status_t st = http_body_json(r, &body);
		if (st != ST_OK) {
			r->err.field = "invalid_request";
			return st;
		}
		if (!json_is_object(body))
			return error_set(&r->err, ST_BAD_REQUEST, "invalid_request",
					 "The request body must be a JSON object");
	}
	return op->fn(r, body);
}

void venafi_reply_result(struct request *r, json_t *body, enum venafi_result result, const char *error)
{
	if (body == NULL)
		body = json_object();
	if (result != VR_SUCCESS)
		json_object_set_new(body, "Error", json_string(error));
	json_object_set_new(body, "Result", json_integer(result));
	json_object_set_new(body, "Success", json_boolean(result == VR_SUCCESS));
	http_reply_json(r, 200, body);
}

static void reply_error(struct request *r)
{
	const struct app_error *e = &r->err;
	int code = status_http_code(e->status);
	const char *error = e->field, *desc = e->message;
	switch (e->status) {
	case ST_BAD_REQUEST:
	case ST_INVALID:
		code = 400;
		if (error == NULL)
			error = "invalid_request";
		break;
	case ST_UNAUTHORIZED:
		error = "invalid_token";
		desc = "The access token is missing, malformed, expired or revoked";
		break;
	case ST_FORBIDDEN:
		error = "insufficient_scope";
		desc = "The access token does not carry the admin scope";
		break;
	case ST_NOT_FOUND:
	case ST_METHOD_NOT_ALLOWED:
	case ST_TOO_LARGE:
	case ST_CONFLICT:
	case ST_PRECONDITION_FAILED:
		if (error == NULL)
			error = "invalid_request";
		break;
	case ST_RATE_LIMITED: error = "slow_down"; break;
	case ST_UNAVAILABLE: error = "temporarily_unavailable"; break;
	case ST_OK:
	case ST_INTERNAL:
		code = 500;
		error = "server_error";
		desc = NULL;
		break;
	default:
		/* what nginx may answer itself (408, 414, 502, ...) */
		if (error == NULL)
			error = code >= 500 ? "temporarily_unavailable" : "invalid_request";
		break;
	}
	if (desc == NULL)
		desc = status_reason(code);
	http_reply_json(r, code, json_pack("{s:s,s:s}", "error", error, "error_description", desc));
}

const struct dialect dialect_venafi = { "venafi", reply_error };

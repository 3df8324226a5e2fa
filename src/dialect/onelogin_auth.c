/* OneLogin's management-token endpoints: /auth/oauth2/v2/token and /auth/oauth2/revoke, as
 * thin adapters over the login core (src/authn/login.c). Their errors use OneLogin's older
 * "status" body, so they form a dialect of their own. */
#include <string.h>

#include "authn/login.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "core/service.h"
#include "core/timefmt.h"
#include "dialect/dialect.h"
#include "dialect/onelogin.h"
#include "http/credentials.h"

#define FORM_MAX 16

/* Body fields, from JSON or a form, whichever the client sent. */
struct fields {
	json_t *json;
	struct query_pair form[FORM_MAX];
	size_t nform;
};

static const char *field(const struct fields *f, const char *name)
{
	if (f->json != NULL) {
		json_t *v = json_object_get(f->json, name);
		return json_is_string(v) ? json_string_value(v) : NULL;
	}
	return http_form_get(f->form, f->nform, name);
}

static status_t read_fields(struct request *r, struct fields *f)
{
	memset(f, 0, sizeof(*f));
	if (r->body_len == 0)
		return ST_OK;
	if (http_media_type_is(r->content_type, "application/x-www-form-urlencoded")) {
		int n = http_form_parse(r->arena, r->body, r->body_len, f->form, FORM_MAX);
		if (n < 0)
			return error_set(&r->err, ST_BAD_REQUEST, NULL, "Malformed form body");
		f->nform = (size_t)n;
		return ST_OK;
	}
	status_t st = http_body_json(r, &f->json);
	if (st == ST_OK && !json_is_object(f->json))
		st = error_set(&r->err, ST_BAD_REQUEST, NULL, "Request body must be a JSON object");
	return st;
}

/* The client credentials of the request. A client id without its secret still counts as a
 * failed login of that client (so guessing cannot skip the throttle). */
static status_t credentials(struct request *r, const struct fields *f, const char **id, const char **secret)
{
	if (http_client_credentials(r, field(f, "client_id"), field(f, "client_secret"), 0, id, secret) !=
	    HTTP_CLIENT_AUTH_NONE)
		return ST_OK;
	*id = field(f, "client_id");
	*secret = "";
	if (*id == NULL || (*id)[0] == '\0')
		return error_set(&r->err, ST_UNAUTHORIZED, NULL, "Authentication Failure");
	return ST_OK;
}

/* A login's refusal: 401 says nothing of what was wrong; 429 says when to come back. */
static status_t refused(struct request *r, status_t st, int retry_after)
{
	if (st == ST_RATE_LIMITED) {
		r->err.retry_after = retry_after > 0 ? retry_after : 1;
		return error_set(&r->err, ST_RATE_LIMITED, NULL, "Too Many Requests");
	}
	if (st == ST_UNAUTHORIZED)
		return error_set(&r->err, ST_UNAUTHORIZED, NULL, "Authentication Failure");
	return st;
}

status_t onelogin_token_create(struct request *r)
{
	struct fields f;
	const char *client_id, *secret;
	struct authn_token t;
	int retry_after = 0;
	status_t st = read_fields(r, &f);
	if (st != ST_OK)
		return st;
	const char *grant = field(&f, "grant_type");
	if (grant == NULL || strcmp(grant, "client_credentials") != 0)
		return error_set(&r->err, ST_BAD_REQUEST, NULL, "grant_type is incorrect/absent");
	if ((st = credentials(r, &f, &client_id, &secret)) != ST_OK)
		return st;
	st = authn_management_token(r->svc->db, r->arena, client_id, secret, r->svc->cfg->access_token_ttl_seconds,
				    &t, &retry_after);
	if (st != ST_OK)
		return refused(r, st, retry_after);
	json_t *body = json_object();
	json_object_set_new(body, "access_token", json_string(t.access_token));
	json_object_set_new(body, "created_at", json_string(timefmt_iso8601(r->arena, t.created_us, TIMEFMT_MILLIS)));
	json_object_set_new(body, "expires_in", json_integer(t.expires_in));
	json_object_set_new(body, "refresh_token", json_string(t.refresh_token));
	json_object_set_new(body, "token_type", json_string("bearer"));
	json_object_set_new(body, "account_id", json_integer(t.tenant_id));
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_header(r, "Pragma", "no-cache");
	http_reply_json(r, 200, body);
	return ST_OK;
}

status_t onelogin_token_revoke(struct request *r)
{
	struct fields f;
	const char *client_id, *secret;
	int retry_after = 0;
	status_t st = read_fields(r, &f);
	if (st != ST_OK)
		return st;
	if ((st = credentials(r, &f, &client_id, &secret)) != ST_OK)
		return st;
	const char *token = field(&f, "access_token");
	if (token == NULL || token[0] == '\0') {
		/* a missing token is the client's mistake, but only a client that logs in may hear it */
		token = "";
	}
	st = authn_management_revoke(r->svc->db, r->arena, client_id, secret, token, &retry_after);
	if (st != ST_OK)
		return refused(r, st, retry_after);
	if (token[0] == '\0')
		return error_set(&r->err, ST_BAD_REQUEST, NULL, "Access Token Missing");
	/* Unknown or foreign tokens answer success too (RFC 7009): nothing to learn here. */
	http_reply_json(r, 200, json_pack("{s:{s:b,s:i,s:s,s:s}}", "status", "error", 0, "code", 200,
					  "type", "success", "message", "Success"));
	return ST_OK;
}

static void reply_error(struct request *r)
{
	const struct app_error *e = &r->err;
	int code = status_http_code(e->status);
	const char *type, *message = e->message;
	switch (e->status) {
	case ST_BAD_REQUEST: type = "bad request"; break;
	case ST_UNAUTHORIZED: type = "Unauthorized"; message = "Authentication Failure"; break;
	case ST_RATE_LIMITED: type = "too many requests"; break;
	case ST_INVALID:
		code = 400;
		type = "bad request";
		message = NULL;
		break;
	case ST_OK:
	case ST_INTERNAL:
		code = 500;
		type = "internal server error";
		message = NULL;
		break;
	default:
		/* not found, method not allowed, too large, unavailable, what nginx answers ... */
		type = arena_strdup(r->arena, status_reason(code));
		for (char *p = (char *)type; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		break;
	}
	if (message == NULL)
		message = status_reason(code);
	http_reply_json(r, code, json_pack("{s:{s:b,s:i,s:s,s:s}}", "status", "error", 1, "code", code,
					   "type", type, "message", message));
}

const struct dialect dialect_onelogin_status = { "onelogin-status", reply_error };

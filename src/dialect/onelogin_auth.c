/* OneLogin's management-token endpoints: /auth/oauth2/v2/token and /auth/oauth2/revoke.
 * Their errors use OneLogin's older "status" body, so they form a dialect of their own. */
#include <string.h>

#include "auth/auth.h"
#include "auth/crypto.h"
#include "config.h"
#include "db/db_auth.h"
#include "dialect/dialect.h"
#include "dialect/onelogin.h"
#include "jsonx.h"
#include "service.h"

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
		f->nform = http_form_parse(r->arena, r->body, r->body_len, f->form, FORM_MAX);
		return ST_OK;
	}
	status_t st = http_body_json(r, &f->json);
	if (st == ST_OK && !json_is_object(f->json))
		st = error_set(&r->err, ST_BAD_REQUEST, NULL, "Request body must be a JSON object");
	return st;
}

/* Authenticates the client credentials of the request. Failures are counted per client_id
 * and audited; past DB_LOGIN_MAX_FAILURES in a window the client is refused with 429
 * whatever it sends, and no answer says which part was wrong. */
static status_t login(struct request *r, const struct fields *f, struct db_login *who,
		      const char **client_id)
{
	const char *secret = NULL;
	status_t st;
	if (auth_client_credentials(r, field(f, "client_id"), field(f, "client_secret"),
				    client_id, &secret) != 0) {
		/* A client id without its secret still counts against that client. */
		*client_id = field(f, "client_id");
		if (*client_id == NULL || (*client_id)[0] == '\0')
			return error_set(&r->err, ST_UNAUTHORIZED, NULL, "Authentication Failure");
		secret = "";
	}
	st = db_login_lookup(r->svc->db, r->arena, *client_id, r->svc->cfg->access_token_ttl_seconds, who);
	if (st != ST_OK)
		return st;
	if (who->recent_failures >= DB_LOGIN_MAX_FAILURES) {
		r->err.retry_after = who->retry_after > 0 ? who->retry_after : 1;
		return error_set(&r->err, ST_RATE_LIMITED, NULL, "Too Many Requests");
	}
	/* Unknown clients are compared against a dummy hash so timing tells nothing. */
	unsigned char presented[CRYPTO_SHA256_LEN], dummy[CRYPTO_SHA256_LEN] = { 0 };
	crypto_sha256(secret, strlen(secret), presented);
	const unsigned char *expected = who->credential_id ? who->secret_hash : dummy;
	int match = crypto_equal(presented, expected, CRYPTO_SHA256_LEN);
	if (match && who->credential_id != 0 && !who->revoked)
		return ST_OK;
	int failures = 0;
	st = db_login_failed(r->svc->db, r->arena, *client_id, who, &failures);
	if (st != ST_OK)
		return st;
	return error_set(&r->err, ST_UNAUTHORIZED, NULL, "Authentication Failure");
}

status_t onelogin_token_create(struct request *r)
{
	struct fields f;
	struct db_login who;
	const char *client_id;
	status_t st = read_fields(r, &f);
	if (st != ST_OK)
		return st;
	const char *grant = field(&f, "grant_type");
	if (grant == NULL || strcmp(grant, "client_credentials") != 0)
		return error_set(&r->err, ST_BAD_REQUEST, NULL, "grant_type is incorrect/absent");
	if ((st = login(r, &f, &who, &client_id)) != ST_OK)
		return st;

	const char *token = crypto_random_hex(r->arena, 32);
	const char *refresh = crypto_random_hex(r->arena, 32);
	struct db_token issued;
	st = db_token_issue(r->svc->db, r->arena, &who, client_id,
			    crypto_sha256_bytea(r->arena, token), crypto_sha256_bytea(r->arena, refresh),
			    &issued);
	if (st != ST_OK)
		return st;
	json_t *body = json_object();
	json_object_set_new(body, "access_token", json_string(token));
	json_object_set_new(body, "created_at", json_string(issued.created_at));
	json_object_set_new(body, "expires_in", json_integer(issued.expires_in));
	json_object_set_new(body, "refresh_token", json_string(refresh));
	json_object_set_new(body, "token_type", json_string("bearer"));
	json_object_set_new(body, "account_id", json_integer(who.tenant_id));
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_header(r, "Pragma", "no-cache");
	http_reply_json(r, 200, body);
	return ST_OK;
}

status_t onelogin_token_revoke(struct request *r)
{
	struct fields f;
	struct db_login who;
	const char *client_id;
	status_t st = read_fields(r, &f);
	if (st != ST_OK)
		return st;
	if ((st = login(r, &f, &who, &client_id)) != ST_OK)
		return st;
	const char *token = field(&f, "access_token");
	if (token == NULL || token[0] == '\0')
		return error_set(&r->err, ST_BAD_REQUEST, NULL, "Access Token Missing");
	/* Unknown or foreign tokens answer success too (RFC 7009): nothing to learn here. */
	int revoked = 0;
	st = db_token_revoke(r->svc->db, r->arena, &who, crypto_sha256_bytea(r->arena, token), &revoked);
	if (st != ST_OK)
		return st;
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
	case ST_NOT_FOUND: type = "not found"; break;
	case ST_METHOD_NOT_ALLOWED: type = "method not allowed"; break;
	case ST_TOO_LARGE: type = "payload too large"; break;
	case ST_UNAVAILABLE: type = "service unavailable"; break;
	default:
		code = e->status == ST_INVALID ? 400 : 500;
		type = code == 400 ? "bad request" : "internal server error";
		message = NULL;
		break;
	}
	if (message == NULL)
		message = status_reason(code);
	http_reply_json(r, code, json_pack("{s:{s:b,s:i,s:s,s:s}}", "status", "error", 1, "code", code,
					   "type", type, "message", message));
}

const struct dialect dialect_onelogin_status = { "onelogin-status", reply_error };

/* What every token-service endpoint shares: which issuer a request is for and its
 * identifier, the strict form, client authentication, and RFC 6749 error bodies. */
#include "dialect/oauth.h"

#include <ctype.h>
#include <string.h>

#include "core/config.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/secretbox.h"
#include "core/service.h"
#include "db/db_token.h"
#include "dialect/dialect.h"
#include "dialect/onelogin.h"
#include "http/credentials.h"
#include "http/response.h"

void oauth_issuer_of(struct request *r, struct oauth_issuer *out)
{
	out->host = r->host;
	out->tenant = r->nparams == 0;
	out->server_id = out->tenant ? 0 : onelogin_parse_id(r->params[0]);
}

const char *oauth_issuer_url(struct request *r, const struct oauth_issuer *is, int tenant_host)
{
	const char *base = r->svc->cfg->public_url;
	if (is->server_id != 0)
		return arena_sprintf(r->arena, "%s/oauth2/%lld", base, (long long)is->server_id);
	if (!tenant_host || r->host == NULL)
		return arena_sprintf(r->arena, "%s/oidc/2", base);
	/* The tenant's own host name replaces the public URL's, keeping its scheme, port and
	 * path: https://auth.example.com:8443/x becomes https://tenant.example.com:8443/x. */
	const char *authority = strstr(base, "://") + 3;
	size_t host_len = strcspn(authority, ":/");
	return arena_sprintf(r->arena, "%.*s%s%s/oidc/2", (int)(authority - base), base, r->host,
			     authority + host_len);
}

status_t oauth_error(struct request *r, status_t st, const char *code, const char *description)
{
	return error_set(&r->err, st, code, description);
}

status_t oauth_form_read(struct request *r, struct oauth_form *f)
{
	memset(f, 0, sizeof(*f));
	if (r->content_type == NULL || !http_media_type_is(r->content_type, "application/x-www-form-urlencoded"))
		return oauth_error(r, ST_BAD_REQUEST, "invalid_request",
				   "the body must be application/x-www-form-urlencoded");
	int n = http_form_parse(r->arena, r->body, r->body_len, f->pairs, OAUTH_FORM_MAX);
	if (n < 0)
		return oauth_error(r, ST_BAD_REQUEST, "invalid_request", "the form is malformed");
	f->n = (size_t)n;
	if (f->n == OAUTH_FORM_MAX)
		return oauth_error(r, ST_BAD_REQUEST, "invalid_request", "too many parameters");
	/* RFC 6749 section 3.2: parameters must not be included more than once; RFC 8707's
	 * resource may be, one a target */
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->pairs[i].name, "resource") != 0 && http_form_count(f->pairs, f->n, f->pairs[i].name) > 1)
			return oauth_error(r, ST_BAD_REQUEST, "invalid_request",
					   arena_sprintf(r->arena, "parameter %s is repeated", f->pairs[i].name));
	return ST_OK;
}

const char *oauth_form_get(const struct oauth_form *f, const char *name)
{
	return http_form_get(f->pairs, f->n, name);
}

status_t oauth_client_read(struct request *r, const struct oauth_form *f, struct oauth_client *c)
{
	const char *post_id = oauth_form_get(f, "client_id"), *post_secret = oauth_form_get(f, "client_secret");
	memset(c, 0, sizeof(*c));
	if (http_has_basic(r)) {
		if (post_secret != NULL)
			return oauth_error(r, ST_BAD_REQUEST, "invalid_request",
					   "use one client authentication method, not two");
		if (http_client_credentials(r, NULL, NULL, 1, &c->id, &c->secret) != HTTP_CLIENT_AUTH_BASIC ||
		    (post_id != NULL && strcmp(post_id, c->id) != 0))
			return oauth_error(r, ST_UNAUTHORIZED, "invalid_client", "client authentication failed");
		c->basic = 1;
	} else if (post_id != NULL && post_secret != NULL) {
		c->id = post_id;
		c->secret = post_secret;
	} else {
		return oauth_error(r, ST_UNAUTHORIZED, "invalid_client", "client authentication is required");
	}
	if (c->id[0] == '\0' || strlen(c->id) > 128)
		return oauth_error(r, ST_UNAUTHORIZED, "invalid_client", "client authentication failed");
	crypto_sha256_str(c->secret, c->hash);
	return ST_OK;
}

/* A server's own client: its sealed secret, opened, against the one sent (as digests, so
 * the comparison's time depends on neither). */
static int own_secret_matches(struct request *r, const struct oauth_client *c, const struct sealed *sealed,
			      const char *binding)
{
	if (sealed->bytes == NULL || binding == NULL)
		return 0;
	const char *stored = secretbox_open(r->arena, sealed, binding, NULL);
	if (stored == NULL) {
		log_error("oauth: a server's client secret does not open");
		return 0;
	}
	unsigned char want[CRYPTO_SHA256_LEN];
	crypto_sha256_str(stored, want);
	return crypto_equal(want, c->hash, CRYPTO_SHA256_LEN);
}

status_t oauth_client_outcome(struct request *r, enum token_outcome outcome, int retry_after,
			      const struct oauth_client *c, const struct sealed *sealed, const char *binding,
			      int64_t server_id)
{
	switch (outcome) {
	case TOKEN_OK:
		return ST_OK;
	case TOKEN_CHECK_SECRET:
		if (own_secret_matches(r, c, sealed, binding))
			return ST_OK;
		metrics_login_failed(METRICS_LOGIN_CLIENT);
		status_t st = db_token_secret_failed(r->svc->db, r->arena, server_id, c->id);
		if (st != ST_OK)
			return st;
		return oauth_error(r, ST_UNAUTHORIZED, "invalid_client", "client authentication failed");
	case TOKEN_THROTTLED:
		metrics_login_throttled(METRICS_LOGIN_CLIENT);
		r->err.retry_after = retry_after > 0 ? retry_after : 1;
		return oauth_error(r, ST_RATE_LIMITED, "temporarily_unavailable",
				   "too many failed client authentications; retry later");
	case TOKEN_INVALID_CLIENT:
		metrics_login_failed(METRICS_LOGIN_CLIENT);
		return oauth_error(r, ST_UNAUTHORIZED, "invalid_client", "client authentication failed");
	case TOKEN_NO_SERVER:
		return oauth_error(r, ST_NOT_FOUND, "invalid_request", "no such authorization server");
	case TOKEN_UNLINKED:
		return oauth_error(r, ST_BAD_REQUEST, "unauthorized_client",
				   "the client is not linked to this authorization server");
	default:
		log_error("oauth: client outcome %d where none was expected", (int)outcome);
		return error_set(&r->err, ST_INTERNAL, NULL, NULL);
	}
}

void oauth_reply_no_store(struct request *r, json_t *body)
{
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_header(r, "Pragma", "no-cache");
	http_reply_json(r, 200, body);
}

/* Every error of these routes, and of paths under them no route knows: RFC 6749 section
 * 5.2, never cached; the code is the handler's, else the nearest one for the status. */
static void reply_error(struct request *r)
{
	const struct app_error *e = &r->err;
	int code = status_http_code(e->status);
	const char *error = e->field, *description = e->message;
	if (e->status == ST_INVALID)
		code = 400;
	if (e->status == ST_OK || code < 400)
		code = 500;
	if (error == NULL)
		error = code == 401 ? "invalid_client" : code == 503 || code == 429 ? "temporarily_unavailable"
			: code >= 500 ? "server_error" : "invalid_request";
	if (description == NULL || code == 500)
		description = status_reason(code);
	if (code == 401)
		http_reply_header(r, "WWW-Authenticate", "Basic realm=\"authzd\", charset=\"UTF-8\"");
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_header(r, "Pragma", "no-cache");
	http_reply_json(r, code, json_pack("{s:s,s:s}", "error", error, "error_description", description));
}

const struct dialect dialect_oauth = { "oauth", reply_error };

/* /vedauth: password grants for identities, refresh with rotation, verify and revoke, as
 * thin adapters over the login core (src/authn/login.c). Every call belongs to the tenant
 * that claims the request's host (else the default tenant), so a client id of another
 * tenant is simply unknown here. Tokens are random, stored only as hashes; a refresh token
 * works exactly once. */
#include <string.h>
#include <time.h>

#include "authn/login.h"
#include "core/crypto.h"
#include "core/jsonx.h"
#include "core/service.h"
#include "db/db_login.h"
#include "dialect/venafi.h"
#include "dialect/venafi_scope.h"
#include "http/credentials.h"

static status_t oauth_error(struct request *r, const char *code, const char *description)
{
	return error_set(&r->err, ST_BAD_REQUEST, code, description);
}

static void host_caller(struct request *r)
{
	r->caller.kind = CALLER_HOST;
	r->caller.host = r->host;
}

static status_t body_object(struct request *r, json_t **body)
{
	status_t st = http_body_json(r, body);
	if (st != ST_OK)
		return oauth_error(r, "invalid_request", r->err.message);
	if (!json_is_object(*body))
		return oauth_error(r, "invalid_request", "The request body must be a JSON object");
	return ST_OK;
}

static const char *str(json_t *body, const char *key)
{
	json_t *v = json_object_get(body, key);
	return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

static long secs(int64_t us)
{
	return (long)(us / 1000000);
}

static status_t reply_tokens(struct request *r, const char *access, const char *refresh,
			     const struct vedauth_tokens *t, const char *identity, const char *scope,
			     const char *state)
{
	json_t *o = json_object();
	json_object_set_new(o, "access_token", json_string(access));
	json_object_set_new(o, "expires", json_integer(secs(t->access_expires_us)));
	json_object_set_new(o, "expires_in", json_integer(secs(t->access_expires_us) - secs(t->access_issued_us)));
	json_object_set_new(o, "identity", json_string(identity));
	if (refresh != NULL) {
		json_object_set_new(o, "refresh_token", json_string(refresh));
		json_object_set_new(o, "refresh_until", json_integer(secs(t->grant_expires_us)));
	}
	json_object_set_new(o, "scope", json_string(scope));
	if (state != NULL)
		json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "token_type", json_string("Bearer"));
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, o);
	return ST_OK;
}

/* A scope read back from the database: empty means none; anything else was stored in
 * canonical form, so failing to parse it is a server fault. */
static status_t stored_scope(struct request *r, const char *text, struct vscope *out)
{
	const char *err;
	if (text == NULL || text[0] == '\0') {
		memset(out, 0, sizeof(*out));
		return ST_OK;
	}
	return vscope_parse(r->arena, text, out, &err) == 0 ? ST_OK : ST_INTERNAL;
}

/* What the application allows (Scope or MaximumScope), then what the person may hold; an
 * application made through another dialect has no Venafi scope and allows nothing. */
static status_t check_scope(struct request *r, const struct vedauth_login *who, const struct vscope *want)
{
	struct vscope app_scope, app_max, identity_max;
	if (stored_scope(r, who->app_scope, &app_scope) != ST_OK ||
	    stored_scope(r, who->app_maximum_scope, &app_max) != ST_OK ||
	    stored_scope(r, who->identity_maximum_scope, &identity_max) != ST_OK)
		return error_set(&r->err, ST_INTERNAL, NULL, NULL);
	struct vscope allowed = vscope_union(&app_scope, &app_max);
	if (!vscope_fits(want, &allowed))
		return oauth_error(r, "invalid_scope", "The scope is outside what the application allows");
	if (!vscope_fits(want, &identity_max))
		return oauth_error(r, "unauthorized_client", "The identity may not be granted this scope");
	return ST_OK;
}

status_t venafi_authorize_oauth(struct request *r)
{
	json_t *body;
	status_t st = body_object(r, &body);
	if (st != ST_OK)
		return st;
	const char *client_id = str(body, "client_id"), *username = str(body, "username"),
		   *password = str(body, "password"), *scope = str(body, "scope");
	if (client_id == NULL || username == NULL || password == NULL || scope == NULL)
		return oauth_error(r, "invalid_request", "client_id, username, password and scope are required");
	struct vscope want;
	const char *err = NULL;
	if (vscope_parse(r->arena, scope, &want, &err) != 0)
		return oauth_error(r, "invalid_scope", err);

	struct vedauth_login who;
	host_caller(r);
	st = authn_identity_login(r->svc->db, r->arena, &r->caller, client_id, username, password, &who);
	if (st == ST_NOT_FOUND)
		return oauth_error(r, "unauthorized_client", "The client_id is not a registered application");
	if (st == ST_UNAUTHORIZED)
		return oauth_error(r, "invalid_grant", "Username/password combination not valid");
	if (st == ST_RATE_LIMITED) {
		r->err.retry_after = who.retry_after;
		return error_set(&r->err, ST_RATE_LIMITED, NULL, "Too many failed logins; try again later");
	}
	if (st != ST_OK || (st = check_scope(r, &who, &want)) != ST_OK)
		return st;

	const char *access = crypto_random_hex(r->arena, 32);
	const char *refresh = who.renewable ? crypto_random_hex(r->arena, 32) : NULL;
	unsigned char access_hash[CRYPTO_SHA256_LEN], refresh_hash[CRYPTO_SHA256_LEN];
	crypto_sha256_str(access, access_hash);
	if (refresh != NULL)
		crypto_sha256_str(refresh, refresh_hash);
	const char *names[VSCOPE_NAMES];
	size_t nnames = vscope_names(&want, names);
	const char *canonical = vscope_format(r->arena, &want);
	struct vedauth_tokens t;
	st = db_vedauth_grant(r->svc->db, r->arena, &r->caller, &who, username, canonical, names, nnames,
			      access_hash, refresh ? refresh_hash : NULL, &t);
	if (st != ST_OK)
		return st;
	return reply_tokens(r, access, refresh, &t, who.universal, canonical, str(body, "state"));
}

status_t venafi_authorize_token(struct request *r)
{
	json_t *body;
	status_t st = body_object(r, &body);
	if (st != ST_OK)
		return st;
	const char *client_id = str(body, "client_id"), *refresh = str(body, "refresh_token");
	if (client_id == NULL || refresh == NULL)
		return oauth_error(r, "invalid_request", "client_id and refresh_token are required");
	const char *access = crypto_random_hex(r->arena, 32);
	const char *next = crypto_random_hex(r->arena, 32);
	unsigned char refresh_hash[CRYPTO_SHA256_LEN], access_hash[CRYPTO_SHA256_LEN], next_hash[CRYPTO_SHA256_LEN];
	crypto_sha256_str(refresh, refresh_hash);
	crypto_sha256_str(access, access_hash);
	crypto_sha256_str(next, next_hash);
	struct vedauth_tokens t;
	host_caller(r);
	st = db_vedauth_refresh(r->svc->db, r->arena, &r->caller, client_id, refresh_hash, access_hash, next_hash, &t);
	if (st == ST_NOT_FOUND)
		return oauth_error(r, "invalid_grant", "The refresh token is not valid, or its grant has "
						       "expired or been revoked");
	if (st != ST_OK)
		return st;
	return reply_tokens(r, access, next, &t, t.identity, t.scope, NULL);
}

/* The bearer token's digest; ST_UNAUTHORIZED if there is none. */
static status_t bearer(struct request *r, unsigned char hash[CRYPTO_SHA256_LEN])
{
	const char *token = http_bearer_token(r);
	if (token == NULL)
		return error_set(&r->err, ST_UNAUTHORIZED, NULL, NULL);
	crypto_sha256_str(token, hash);
	host_caller(r);
	return ST_OK;
}

status_t venafi_authorize_verify(struct request *r)
{
	unsigned char hash[CRYPTO_SHA256_LEN];
	struct vedauth_tokens t;
	status_t st = bearer(r, hash);
	if (st != ST_OK)
		return st;
	st = db_vedauth_verify(r->svc->db, r->arena, &r->caller, hash, &t);
	if (st == ST_NOT_FOUND)
		return error_set(&r->err, ST_UNAUTHORIZED, NULL, NULL);
	if (st != ST_OK)
		return st;
	long valid_for = secs(t.access_expires_us) - (long)time(NULL);
	json_t *o = json_object();
	json_object_set_new(o, "access_issued_on_unix_time", json_integer(secs(t.access_issued_us)));
	json_object_set_new(o, "application", json_string(t.application));
	json_object_set_new(o, "expires_unix_time", json_integer(secs(t.access_expires_us)));
	json_object_set_new(o, "grant_issued_on_unix_time", json_integer(secs(t.grant_issued_us)));
	json_object_set_new(o, "identity", json_string(t.identity));
	json_object_set_new(o, "scope", json_string(t.scope));
	json_object_set_new(o, "valid_for", json_integer(valid_for > 0 ? valid_for : 0));
	http_reply_json(r, 200, o);
	return ST_OK;
}

status_t venafi_revoke_token(struct request *r)
{
	unsigned char hash[CRYPTO_SHA256_LEN];
	status_t st = bearer(r, hash);
	if (st != ST_OK)
		return st;
	st = db_vedauth_revoke(r->svc->db, r->arena, &r->caller, hash);
	if (st == ST_NOT_FOUND)
		return error_set(&r->err, ST_UNAUTHORIZED, NULL, NULL);
	if (st != ST_OK)
		return st;
	http_reply_json(r, 200, json_pack("{s:b}", "Success", 1));
	return ST_OK;
}

/* Introspection (RFC 7662) and revocation (RFC 7009). The worker verifies the token first
 * (signature with a live key found by kid, typ, exp); one statement then authenticates the
 * caller and says whether the token is still active (not revoked, its server there, its
 * client still linked) or records its revocation. Anything not active is exactly
 * {"active":false}; revoking anything answers 200 with an empty body. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/jsonx.h"
#include "core/service.h"
#include "dialect/oauth.h"
#include "dialect/oauth_keys.h"
#include "http/response.h"

/* A presented token: verified (a live key of some ring signed it, typ at+jwt, not expired)
 * or not, and what it claims. */
struct presented {
	int verified;
	struct token_claims claims;
	json_t *payload;
	const char *iss;
};

static const char *claim_text(json_t *payload, const char *name)
{
	return json_string_value(json_object_get(payload, name));
}

/* The server a token is for: the endpoint's, or on a tenant issuer the one its jti names. */
static int64_t token_server(const struct oauth_issuer *is, const char *jti)
{
	if (is->server_id != 0)
		return is->server_id;
	const char *dot = jti ? strrchr(jti, '.') : NULL;
	if (dot == NULL || dot[1] < '1' || dot[1] > '9' || strlen(dot + 1) > 18 || strspn(dot + 1, "0123456789") !=
										     strlen(dot + 1))
		return 0;
	return strtoll(dot + 1, NULL, 10);
}

static status_t examine(struct request *r, const struct oauth_issuer *is, const char *token, struct presented *p)
{
	struct jose_jws jws;
	status_t st = ST_OK;
	memset(p, 0, sizeof(*p));
	if (jose_parse(r->arena, token, strlen(token), &jws) != 0)
		return ST_OK;
	int64_t ring;
	const jose_key *key = oauth_key_by_kid(r->svc->db, r->arena, jws.kid, &ring, &st);
	if (key == NULL || !jose_verify(key, &jws))
		return st;
	json_t *exp = json_object_get(jws.payload, "exp");
	p->payload = jws.payload;
	p->iss = claim_text(jws.payload, "iss");
	p->claims.client_id = claim_text(jws.payload, "client_id");
	p->claims.jti = claim_text(jws.payload, "jti");
	p->claims.expires_us = json_is_integer(exp) ? (int64_t)json_integer_value(exp) * 1000000 : 0;
	p->claims.server_id = token_server(is, p->claims.jti);
	p->verified = jws.typ != NULL && strcasecmp(jws.typ, "at+jwt") == 0 && p->iss != NULL &&
		      p->claims.client_id != NULL && p->claims.jti != NULL &&
		      p->claims.expires_us > (int64_t)time(NULL) * 1000000;
	if (p->verified)
		p->claims.key_issuer = ring;
	return ST_OK;
}

/* What either endpoint knows once the caller is authenticated. */
struct inspection {
	struct oauth_issuer is;
	struct oauth_client c;
	struct presented p;
	struct token_check chk;
};

/* Either endpoint up to the caller's authentication: the form, the caller's credentials and
 * the token, verified here, then the statement that checks the caller and (revoke 0) says
 * whether the token is active or (revoke 1) records its revocation. */
static status_t ask(struct request *r, int revoke, struct inspection *x)
{
	struct oauth_issuer *is = &x->is;
	struct oauth_client *c = &x->c;
	struct presented *p = &x->p;
	struct token_check *chk = &x->chk;
	struct oauth_form f;
	status_t st;
	oauth_issuer_of(r, is);
	if ((st = oauth_form_read(r, &f)) != ST_OK || (st = oauth_client_read(r, &f, c)) != ST_OK)
		return st;
	const char *token = oauth_form_get(&f, "token");
	if (token == NULL || token[0] == '\0')
		return oauth_error(r, ST_BAD_REQUEST, "invalid_request", "token is required");
	if (!is->tenant && is->server_id == 0)
		return oauth_client_outcome(r, TOKEN_NO_SERVER, 0, c, NULL, NULL, 0);
	/* token_type_hint only speeds a search up (RFC 7009 2.1); there is one kind to search */
	if ((st = examine(r, is, token, p)) != ST_OK ||
	    (st = db_token_inspect(r->svc->db, r->arena, revoke, is->server_id, is->host, c->id, c->hash, &p->claims,
				   chk)) != ST_OK)
		return st;
	if (chk->outcome == TOKEN_NOT_YOURS)
		return oauth_error(r, ST_BAD_REQUEST, "unauthorized_client", "the token was not issued to this client");
	if (!revoke && chk->outcome == TOKEN_INVALID_CLIENT &&
	    (st = db_token_client_failed(r->svc->db, r->arena, chk->tenant_id, c->id)) != ST_OK)
		return st;
	return oauth_client_outcome(r, chk->outcome, chk->retry_after, c, &chk->azure_secret, chk->azure_binding,
				    is->server_id);
}

/* RFC 7662: the claims of an active token, else exactly {"active":false}. */
static status_t introspected(struct request *r, const struct inspection *x)
{
	const struct presented *p = &x->p;
	/* a token of another issuer never passes, even one whose key this ring shares no id with */
	if (!p->verified || !x->chk.active || strcmp(p->iss, oauth_issuer_url(r, &x->is, x->chk.tenant_host)) != 0) {
		oauth_reply_no_store(r, json_pack("{s:b}", "active", 0));
		return ST_OK;
	}
	json_t *body = json_pack("{s:b}", "active", 1);
	static const char *const copied[] = { "scope", "client_id", "exp", "iat", "sub", "aud", "iss", "jti" };
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
		json_t *v = json_object_get(p->payload, copied[i]);
		if (v != NULL)
			json_object_set(body, copied[i], v);
		if (i == 1)
			json_object_set_new(body, "token_type", json_string("Bearer"));
	}
	oauth_reply_no_store(r, body);
	return ST_OK;
}

/* RFC 7009: 200 and no body, whatever the token was. */
static status_t revoked(struct request *r, const struct inspection *x)
{
	const struct presented *p = &x->p;
	status_t st;
	if (x->chk.outcome == TOKEN_CHECK_SECRET && p->verified && x->chk.issuer_id == p->claims.key_issuer) {
		/* the server's own client, authenticated only now: the statement recorded nothing */
		if (strcmp(p->claims.client_id, x->c.id) != 0)
			return oauth_error(r, ST_BAD_REQUEST, "unauthorized_client",
					   "the token was not issued to this client");
		if ((st = db_token_revoke_record(r->svc->db, r->arena, x->chk.issuer_id, p->claims.jti, x->c.id,
						 p->claims.expires_us)) != ST_OK)
			return st;
	}
	http_reply_header(r, "Cache-Control", "no-store");
	http_reply_empty(r, 200);
	return ST_OK;
}

static status_t inspect(struct request *r, int revoke)
{
	struct inspection x;
	status_t st = ask(r, revoke, &x);
	if (st != ST_OK)
		return st;
	return revoke ? revoked(r, &x) : introspected(r, &x);
}

status_t oauth_introspect(struct request *r)
{
	return inspect(r, 0);
}

status_t oauth_revoke(struct request *r)
{
	return inspect(r, 1);
}

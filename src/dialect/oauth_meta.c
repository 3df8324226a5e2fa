/* What an issuer publishes: its JWKS (RFC 7517) and its metadata (RFC 8414, also served as
 * openid-configuration). Both change only on a rotation or an edit, so they carry an ETag
 * and a max-age that lets clients and nginx keep them; a key is published at least twice
 * that long before it signs. */
#include <string.h>

#include "core/config.h"
#include "core/crypto.h"
#include "core/jsonx.h"
#include "core/service.h"
#include "dialect/oauth.h"
#include "dialect/oauth_keys.h"
#include "http/response.h"

/* What the issuer of r publishes, its ring made if this is its first use. */
static status_t published(struct request *r, struct oauth_issuer *is, struct issuer_public *pub)
{
	status_t st;
	oauth_issuer_of(r, is);
	if (!is->tenant && is->server_id == 0)
		return oauth_error(r, ST_NOT_FOUND, "invalid_request", "no such authorization server");
	if ((st = db_issuer_public(r->svc->db, r->arena, is->server_id, is->host, pub)) != ST_OK)
		return st;
	if (!pub->found)
		return oauth_error(r, ST_NOT_FOUND, "invalid_request", "no such authorization server");
	if (pub->keys == NULL) {
		const jose_key *signer;
		int64_t issuer_id = pub->issuer_id;
		if ((st = oauth_ring_ready(r->svc->db, r->arena, r->svc->cfg, is->server_id, is->host, &issuer_id, NULL,
					   NULL, NULL, &signer)) != ST_OK ||
		    (st = db_issuer_public(r->svc->db, r->arena, is->server_id, is->host, pub)) != ST_OK)
			return st;
	}
	return ST_OK;
}

/* Replies with body (JSON text) as a cacheable document: 304 when the client holds it. */
static void reply_cacheable(struct request *r, const char *body, size_t len)
{
	unsigned char digest[CRYPTO_SHA256_LEN];
	crypto_sha256(body, len, digest);
	const char *etag = arena_sprintf(r->arena, "\"%s\"", crypto_base64_encode(r->arena, digest, 16, BASE64_URL));
	http_reply_header(r, "ETag", etag);
	http_reply_header(r, "Cache-Control", arena_sprintf(r->arena, "public, max-age=%d", r->svc->cfg->token_jwks_max_age));
	if (r->if_none_match != NULL && (strcmp(r->if_none_match, etag) == 0 || strcmp(r->if_none_match, "*") == 0 ||
					 strstr(r->if_none_match, etag) != NULL)) {
		http_reply_empty(r, 304);
		return;
	}
	http_reply_bytes(r, 200, "application/json; charset=utf-8", body, len);
}

status_t oauth_keys(struct request *r)
{
	struct oauth_issuer is;
	struct issuer_public pub;
	status_t st = published(r, &is, &pub);
	if (st != ST_OK)
		return st;
	const char *body = arena_sprintf(r->arena, "{\"keys\":%s}", pub.keys ? pub.keys : "[]");
	reply_cacheable(r, body, strlen(body));
	return ST_OK;
}

/* The JSON array text from the database, as a value (an empty array if it is not one). */
static json_t *array_of(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_array(v)) {
		json_decref(v);
		v = json_array();
	}
	return v;
}

static json_t *auth_methods(void)
{
	return json_pack("[s,s]", "client_secret_basic", "client_secret_post");
}

status_t oauth_metadata(struct request *r)
{
	struct oauth_issuer is;
	struct issuer_public pub;
	status_t st = published(r, &is, &pub);
	if (st != ST_OK)
		return st;
	const char *issuer = oauth_issuer_url(r, &is, pub.tenant_host);
	/* OneLogin's endpoint names under /oidc/2, Okta's under /oauth2/{id} */
	const char *token = is.tenant ? "token" : "v1/token", *keys_path = is.tenant ? "certs" : "v1/keys",
		   *introspect = is.tenant ? "token/introspection" : "v1/introspect",
		   *revoke = is.tenant ? "token/revocation" : "v1/revoke";
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:[], s:o, s:o, s:o, s:o, s:o}",
				"issuer", issuer,
				"token_endpoint", arena_sprintf(r->arena, "%s/%s", issuer, token),
				"jwks_uri", arena_sprintf(r->arena, "%s/%s", issuer, keys_path),
				"introspection_endpoint", arena_sprintf(r->arena, "%s/%s", issuer, introspect),
				"revocation_endpoint", arena_sprintf(r->arena, "%s/%s", issuer, revoke),
				"grant_types_supported",
				pub.client_credentials ? json_pack("[s]", "client_credentials") : json_array(),
				"response_types_supported",
				"token_endpoint_auth_methods_supported", auth_methods(),
				"introspection_endpoint_auth_methods_supported", auth_methods(),
				"revocation_endpoint_auth_methods_supported", auth_methods(),
				"scopes_supported", array_of(pub.scopes),
				/* not a registered name: no registered one says how access tokens are signed */
				"access_token_signing_alg_values_supported", array_of(pub.algs));
	size_t len;
	const char *body = jsonx_dump(r->arena, doc, &len);
	json_decref(doc);
	reply_cacheable(r, body, len);
	return ST_OK;
}

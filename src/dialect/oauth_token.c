/* The token endpoint (RFC 6749 section 4.4, client_credentials): one statement authenticates
 * the client and returns its link, scopes, the server's audiences and lifetime and the kid
 * that signs; the worker checks scope and resource, then signs an RFC 9068 JWT. Nothing is
 * stored for the token; it is counted (token_issuance_daily, written at most once a second). */
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/crypto.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/service.h"
#include "model/server.h"
#include "dialect/oauth.h"
#include "dialect/oauth_grants.h"
#include "dialect/oauth_keys.h"
#include "http/response.h"

#define SCOPES_MAX 64

/* Splits a space-delimited scope (RFC 6749 section 3.3) into at most max tokens, dropping
 * repeats; -1 if there are more. */
static int split_scope(arena_t *a, const char *scope, const char **out, size_t max)
{
	size_t n = 0;
	for (const char *p = scope; p != NULL && *p;) {
		size_t len = strcspn(p, " ");
		if (len > 0) {
			const char *item = arena_strndup(a, p, len);
			int seen = 0;
			for (size_t i = 0; i < n && !seen; i++)
				seen = strcmp(out[i], item) == 0;
			if (!seen) {
				if (n == max)
					return -1;
				out[n++] = item;
			}
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	return (int)n;
}

static int contains(const char *const *items, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i], s) == 0)
			return 1;
	return 0;
}

static const char *join(arena_t *a, const char *const *items, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(items[i]) + 1;
	char *out = arena_alloc(a, len), *o = out;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(items[i]);
		if (i > 0)
			*o++ = ' ';
		memcpy(o, items[i], l);
		o += l;
	}
	*o = '\0';
	return out;
}

/* The scope the token carries: what was asked for, which must all be granted (absent: all
 * that is granted). */
static status_t grant_scope(struct request *r, const char *asked, const struct token_grant *g, const char **out)
{
	const char *granted[SCOPES_MAX], *wanted[SCOPES_MAX];
	int ngranted;
	if (g->scopes_set) {
		ngranted = (int)(g->scopes.n < SCOPES_MAX ? g->scopes.n : SCOPES_MAX);
		memcpy(granted, g->scopes.items, (size_t)ngranted * sizeof(char *));
	} else {
		ngranted = split_scope(r->arena, g->default_scope, granted, SCOPES_MAX);
		if (ngranted < 0)
			ngranted = 0;
	}
	int nwanted = split_scope(r->arena, asked, wanted, SCOPES_MAX);
	if (nwanted < 0)
		return oauth_error(r, ST_BAD_REQUEST, "invalid_scope", "too many scopes");
	if (asked == NULL || nwanted == 0) {
		*out = join(r->arena, granted, (size_t)ngranted);
		return ST_OK;
	}
	for (int i = 0; i < nwanted; i++)
		if (!contains(granted, (size_t)ngranted, wanted[i]))
			return oauth_error(r, ST_BAD_REQUEST, "invalid_scope",
					   arena_sprintf(r->arena, "scope %s is not granted to this client", wanted[i]));
	*out = join(r->arena, wanted, (size_t)nwanted);
	return ST_OK;
}

#define RESOURCES_MAX 8

/* The token's audience (RFC 8707): for each resource asked for, the server's resource
 * identifier (all its audiences) or one of its audiences (that one); without a resource,
 * all its audiences, else its resource identifier, else the issuer. One audience is a
 * string, several an array. */
static status_t audience(struct request *r, const char *const *resources, size_t nres, const struct token_grant *g,
			 const char *issuer, json_t **out)
{
	const struct strlist *aud = &g->audiences;
	const char *picked[SERVER_AUDIENCES_MAX + RESOURCES_MAX];
	size_t n = 0;
	for (size_t i = 0; i < nres; i++) {
		int is_identifier = g->resource_identifier != NULL && strcmp(resources[i], g->resource_identifier) == 0;
		if (!is_identifier && !contains(aud->items, aud->n, resources[i]))
			return oauth_error(r, ST_BAD_REQUEST, "invalid_target",
					   "resource is not this authorization server's");
		for (size_t k = 0; k < (is_identifier ? aud->n : 1); k++) {
			const char *a = is_identifier ? aud->items[k] : resources[i];
			if (!contains(picked, n, a))
				picked[n++] = a;
		}
	}
	if (nres == 0)
		for (size_t k = 0; k < aud->n; k++)
			picked[n++] = aud->items[k];
	if (n == 0)
		picked[n++] = g->resource_identifier ? g->resource_identifier : issuer;
	if (n == 1) {
		*out = json_string(picked[0]);
		return ST_OK;
	}
	*out = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(*out, json_string(picked[k]));
	return ST_OK;
}

/* The resource parameters of the form (RFC 8707 allows several). */
static status_t resources_of(struct request *r, const struct oauth_form *f, const char **out, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->pairs[i].name, "resource") != 0)
			continue;
		if (*n == RESOURCES_MAX)
			return oauth_error(r, ST_BAD_REQUEST, "invalid_target", "too many resources");
		out[(*n)++] = f->pairs[i].value;
	}
	return ST_OK;
}

/* A request the client is authenticated for but the server refuses. */
static status_t refused(struct request *r, enum token_refusal refusal)
{
	switch (refusal) {
	case TOKEN_NO_GRANT:
		return oauth_error(r, ST_BAD_REQUEST, "unauthorized_client",
				   "this authorization server does not allow client_credentials");
	case TOKEN_NO_TARGET:
		return oauth_error(r, ST_BAD_REQUEST, "invalid_target",
				   "no authorization server of this client has that resource");
	case TOKEN_AMBIGUOUS:
		return oauth_error(r, ST_BAD_REQUEST, "invalid_target",
				   "the client is linked to several authorization servers: say which by resource");
	case TOKEN_GRANTED:
		break;
	}
	return ST_OK;
}

/* jti: 128 random bits; on a tenant issuer also the server the token is for, which its
 * introspection needs ("<random>.<server id>"). */
static const char *new_jti(struct request *r, const struct oauth_issuer *is, int64_t server_id)
{
	unsigned char raw[16];
	crypto_random(raw, sizeof(raw));
	const char *id = crypto_base64_encode(r->arena, raw, sizeof(raw), BASE64_URL);
	return is->server_id != 0 ? id : arena_sprintf(r->arena, "%s.%lld", id, (long long)server_id);
}

/* The claims of the token grant g gives client_id: the scope asked for (NULL: all that is
 * granted) and the resources, checked against what g allows. ST_OK with *claims (a new
 * reference), *scope and *lifetime (seconds); otherwise the OAuth error is set on r. */
static status_t token_claims(struct request *r, const struct oauth_issuer *is, const struct token_grant *g,
			     const char *client_id, const char *asked, const char *const *resources, size_t nres,
			     json_t **claims, const char **scope, int64_t *lifetime)
{
	json_t *aud = NULL;
	status_t st;
	const char *issuer = oauth_issuer_url(r, is, g->tenant_host);
	if ((st = grant_scope(r, asked, g, scope)) != ST_OK || (st = audience(r, resources, nres, g, issuer, &aud)) != ST_OK)
		return st;
	int64_t now = (int64_t)time(NULL);
	*lifetime = (int64_t)g->ttl_minutes * 60;
	*claims = json_pack("{s:s, s:s, s:o, s:I, s:I, s:s, s:s, s:s}", "iss", issuer, "sub", client_id, "aud", aud,
			    "exp", (json_int_t)(now + *lifetime), "iat", (json_int_t)now, "jti",
			    new_jti(r, is, g->server_id), "client_id", client_id, "scope", *scope);
	if (is->tenant)
		json_object_set_new(*claims, "azp", json_string(client_id));
	return ST_OK;
}

status_t oauth_token(struct request *r)
{
	struct oauth_issuer is;
	struct oauth_form f;
	struct oauth_client c;
	struct token_grant g;
	const jose_key *signer;
	const char *scope = NULL;
	status_t st;
	oauth_issuer_of(r, &is);
	if ((st = oauth_form_read(r, &f)) != ST_OK)
		return st;
	const char *grant_type = oauth_form_get(&f, "grant_type"), *resources[RESOURCES_MAX];
	size_t nres;
	if (grant_type == NULL)
		return oauth_error(r, ST_BAD_REQUEST, "invalid_request", "grant_type is required");
	if (strcmp(grant_type, "client_credentials") != 0)
		return oauth_error(r, ST_BAD_REQUEST, "unsupported_grant_type",
				   "only client_credentials is supported");
	if ((st = oauth_client_read(r, &f, &c)) != ST_OK || (st = resources_of(r, &f, resources, &nres)) != ST_OK)
		return st;
	/* on a tenant issuer the (first) resource also picks the server */
	const char *resource = nres > 0 ? resources[0] : NULL;
	if (!is.tenant && is.server_id == 0)
		return oauth_client_outcome(r, TOKEN_NO_SERVER, 0, &c, NULL, NULL, 0);
	const char *lookup_resource = is.tenant ? resource : NULL;
	const struct token_grant *kept = oauth_grant_find(r->svc->cfg, &is, lookup_resource, &c);
	json_t *claims = NULL;
	int64_t lifetime;
	if (kept != NULL)
		g = *kept;
	else if ((st = db_token_request(r->svc->db, r->arena, is.server_id, is.host, is.tenant ? resource : NULL, c.id,
				   c.hash, &g)) != ST_OK ||
	    (g.outcome == TOKEN_INVALID_CLIENT &&
	     (st = db_token_client_failed(r->svc->db, r->arena, g.tenant_id, c.id)) != ST_OK) ||
	    (st = oauth_client_outcome(r, g.outcome, g.retry_after, &c, &g.azure_secret, g.azure_binding,
				       is.server_id)) != ST_OK ||
	    (st = refused(r, g.refusal)) != ST_OK)
		return st;
	/* a grant whose ring is ready (a current and a next key) is one to remember */
	if (kept == NULL && g.outcome == TOKEN_OK && g.current_kid != NULL && g.next_kid != NULL)
		oauth_grant_keep(r->svc->cfg, &is, lookup_resource, &c, &g);
	if ((st = token_claims(r, &is, &g, c.id, oauth_form_get(&f, "scope"), resources, nres, &claims, &scope,
				&lifetime)) != ST_OK)
		return st;
	jsonx_arena_own(r->arena, claims);
	if ((st = oauth_ring_ready(r->svc->db, r->arena, r->svc->cfg, is.server_id, is.host, &g.issuer_id,
				   g.issuer_alg, g.current_kid, g.next_kid, &signer)) != ST_OK)
		return st;

	size_t len;
	const char *payload = jsonx_dump(r->arena, claims, &len);
	const char *jwt = jose_sign(r->arena, signer, "at+jwt", payload, len);
	if (jwt == NULL) {
		log_error("oauth: signing failed for ring %lld", (long long)g.issuer_id);
		return error_set(&r->err, ST_INTERNAL, NULL, NULL);
	}
	metrics_token_issued(g.server_id, (int)jose_key_alg(signer));
	/* counted in memory; the worker writes the counts after a response, once a second */
	db_token_count_issued(r->svc->db, r->arena, g.server_id, jose_alg_name(jose_key_alg(signer)));
	oauth_reply_no_store(r, json_pack("{s:s, s:s, s:I, s:s}", "access_token", jwt, "token_type", "Bearer",
					  "expires_in", (json_int_t)lifetime, "scope", scope));
	return ST_OK;
}

status_t oauth_token_preview(struct request *r, int64_t server_id, const char *client_id, const char *scope,
			     const char *resource, struct oauth_preview *out)
{
	struct token_grant g;
	const char *alg, *granted = NULL;
	json_t *claims = NULL;
	int64_t lifetime = 0;
	memset(out, 0, sizeof(*out));
	status_t st = db_token_preview(r->svc->db, r->arena, &r->caller, server_id, client_id, &g, &alg);
	if (st != ST_OK)
		return st;
	struct oauth_issuer is = { 0, server_id, NULL };
	struct oauth_client c = { .id = client_id };
	const char *resources[1] = { resource };
	/* as if the client had authenticated: an unknown client is the endpoint's answer to a
	 * wrong secret, and the own client's secret is not asked for */
	if (g.outcome == TOKEN_INVALID_CLIENT)
		st = oauth_error(r, ST_UNAUTHORIZED, "invalid_client", "client authentication failed");
	else if ((st = oauth_client_outcome(r, g.outcome == TOKEN_CHECK_SECRET ? TOKEN_OK : g.outcome, 0, &c, NULL,
					    NULL, server_id)) == ST_OK &&
		 (st = refused(r, g.refusal)) == ST_OK)
		st = token_claims(r, &is, &g, client_id, scope, resources, resource != NULL ? 1 : 0, &claims, &granted,
				  &lifetime);
	if (st != ST_OK) {
		if (r->err.field == NULL)
			return st;              /* no answer of the endpoint's: a real error */
		out->http_status = status_http_code(st);
		out->error = r->err.field;
		out->description = r->err.message;
		error_clear(&r->err);
		return ST_OK;
	}
	jsonx_arena_own(r->arena, claims);
	out->issued = 1;
	out->claims = claims;
	out->header = json_pack("{s:s?, s:s, s:s?}", "alg", alg != NULL ? alg : g.issuer_alg, "typ", "at+jwt", "kid",
				g.current_kid);
	jsonx_arena_own(r->arena, out->header);
	out->expires_in = lifetime;
	return ST_OK;
}

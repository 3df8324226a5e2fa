/* The token service's dialect: OAuth 2.0 as RFC 6749, 7009, 7662, 8414 and 9068 put it on
 * the wire. Two kinds of issuer share every handler: a server's ({public_url}/oauth2/{id},
 * Okta's shape) and a tenant's for OneLogin's paths ({public_url}/oidc/2, or on a host
 * name a tenant claims, that host). Errors are RFC 6749 section 5.2 bodies. */
#ifndef AUTHZD_DIALECT_OAUTH_H
#define AUTHZD_DIALECT_OAUTH_H

#include <stdint.h>

#include "core/crypto.h"
#include "db/db_token.h"
#include "http/request.h"

/* Routes, each for both kinds of issuer: /oauth2/:id/... (the path names the server) and
 * OneLogin's /oidc/2/... (no path parameter: the host's tenant). */
status_t oauth_token(struct request *r);

/* The console's token preview: what POST /oauth2/{server_id}/v1/token would answer client_id
 * of the caller's tenant (as if it had authenticated) for scope and resource (either NULL).
 * ST_OK with out filled: the header and claims of the token it would sign (issued), or the
 * OAuth error it would give (http_status, error, description). Nothing is signed, written
 * or counted. ST_NOT_FOUND: no such server in the caller's tenant. */
struct oauth_preview {
	int issued;
	json_t *header, *claims;            /* arena owned */
	int64_t expires_in;
	int http_status;
	const char *error, *description;
};
status_t oauth_token_preview(struct request *r, int64_t server_id, const char *client_id, const char *scope,
			     const char *resource, struct oauth_preview *out);
status_t oauth_keys(struct request *r);
status_t oauth_introspect(struct request *r);
status_t oauth_revoke(struct request *r);
status_t oauth_metadata(struct request *r);

/* ---- shared by the oauth_*.c files ------------------------------------------------- */

#define OAUTH_FORM_MAX 16

/* Which issuer a request is for. */
struct oauth_issuer {
	int tenant;               /* the tenant issuer of host (OneLogin's paths) */
	int64_t server_id;        /* else the server's; 0 if the path cannot name one */
	const char *host;
};

/* The issuer identifier: {public_url}/oauth2/{id}, {public_url}/oidc/2, or for a tenant that
 * claims the host, the public URL with that host name. */
const char *oauth_issuer_url(struct request *r, const struct oauth_issuer *is, int tenant_host);

/* The issuer a route names: /oauth2/:id or /oidc/2 (the host's tenant). */
void oauth_issuer_of(struct request *r, struct oauth_issuer *out);

/* The form of a POST: application/x-www-form-urlencoded, every parameter at most once. */
struct oauth_form {
	struct query_pair pairs[OAUTH_FORM_MAX];
	size_t n;
};
status_t oauth_form_read(struct request *r, struct oauth_form *f);
const char *oauth_form_get(const struct oauth_form *f, const char *name);

/* The client's credentials: client_secret_basic or client_secret_post, not both. The
 * secret leaves as its SHA-256 digest (for the statement) and in the clear (for a server's
 * own client, whose secret is sealed and compared here). */
struct oauth_client {
	const char *id;
	const char *secret;
	unsigned char hash[CRYPTO_SHA256_LEN];
	int basic;                /* it came in the Authorization header */
};
status_t oauth_client_read(struct request *r, const struct oauth_form *f, struct oauth_client *c);

/* Maps a client outcome other than TOKEN_OK to its error (401 invalid_client, 429, ...);
 * TOKEN_CHECK_SECRET opens sealed (bound to binding) and compares it with the client's
 * secret, counting a failure for server_id. ST_OK when the client is authenticated. */
status_t oauth_client_outcome(struct request *r, enum token_outcome outcome, int retry_after,
			      const struct oauth_client *c, const struct sealed *sealed, const char *binding,
			      int64_t server_id);

/* Records an OAuth error: code (invalid_request, ...) and its description. */
status_t oauth_error(struct request *r, status_t st, const char *code, const char *description);

/* Replies 200 with a JSON body that must not be cached (token responses, introspection). */
void oauth_reply_no_store(struct request *r, json_t *body);

#endif

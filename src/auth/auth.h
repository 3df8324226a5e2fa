/* Who is calling: bearer tokens on management routes, client credentials on the token
 * endpoints, and which credential scopes satisfy a route's required scope. */
#ifndef AUTHZD_AUTH_H
#define AUTHZD_AUTH_H

#include <stdint.h>

#include "status.h"

struct request;

/* Filled from the request before a protected handler runs; the db layer checks the token
 * in the same statement as the handler's query and fills tenant_id/credential_id. */
struct auth {
	const char *token_hash;    /* bytea literal of the bearer token's SHA-256 */
	const char *scopes;        /* text[] literal: credential scopes that satisfy the route */
	int64_t tenant_id;
	int64_t credential_id;
	int verified;              /* a statement of this request has accepted the token */
};

#define AUTH_TOKEN_HEX_LEN 64      /* tokens and secrets: 256 random bits, hex */
#define AUTH_CLIENT_ID_HEX_LEN 32

/* For a route needing `required`: parses "Authorization: Bearer <token>" (any case of
 * "bearer") into r->auth. ST_UNAUTHORIZED if absent or malformed; the token's validity is
 * checked later, in the database. */
status_t auth_bearer(struct request *r, const char *required);

/* Parses "Authorization: Bearer <token>" and hashes the token (bytea literal in *hash);
 * ST_UNAUTHORIZED if absent or malformed. */
status_t auth_bearer_hash(struct request *r, const char **hash);

/* The text[] literal of scopes that satisfy required ("Read All" is also satisfied by
 * "Manage All"); NULL for an unknown scope name. */
const char *auth_scope_set(const char *required);

/* Client credentials from, in order: "Authorization: Basic b64(id:secret)",
 * "Authorization: client_id:<id>, client_secret:<secret>", or the body's client_id and
 * client_secret (form or JSON, given as body_id/body_secret). Returns 0 and sets both, or
 * -1 if none is complete. */
int auth_client_credentials(struct request *r, const char *body_id, const char *body_secret,
			    const char **id, const char **secret);

#endif

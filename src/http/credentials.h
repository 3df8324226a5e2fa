/* The Authorization header forms clients send: Bearer tokens on management routes, and
 * client credentials on token endpoints. Parsing only: who is behind them is for the layers
 * that look them up. */
#ifndef AUTHZD_HTTP_CREDENTIALS_H
#define AUTHZD_HTTP_CREDENTIALS_H

#include "http/request.h"

#define HTTP_TOKEN_HEX_LEN 64      /* our tokens and secrets: 256 random bits, hex */

/* The token of "Authorization: Bearer <token>" (any case of "bearer"); NULL if absent or
 * not one of ours (64 lowercase hex digits). */
const char *http_bearer_token(const struct request *r);

/* Which form carried the client credentials. */
enum http_client_auth {
	HTTP_CLIENT_AUTH_NONE = 0,
	HTTP_CLIENT_AUTH_BASIC,      /* Authorization: Basic base64(id:secret) */
	HTTP_CLIENT_AUTH_PAIR,       /* OneLogin's Authorization: client_id:<id>, client_secret:<secret> */
	HTTP_CLIENT_AUTH_BODY,       /* client_id and client_secret fields of the body */
};

/* Client credentials from, in order, the Basic header, OneLogin's pair header, or the body
 * fields given (body_id/body_secret, may be NULL). Returns the form and sets *id and
 * *secret, or HTTP_CLIENT_AUTH_NONE if none is complete. Basic credentials are
 * percent-decoded as RFC 6749 section 2.3.1 asks only when decode_basic is set. */
enum http_client_auth http_client_credentials(struct request *r, const char *body_id,
					      const char *body_secret, int decode_basic,
					      const char **id, const char **secret);
/* 1 if the Authorization header holds Basic credentials at all (well-formed or not). */
int http_has_basic(const struct request *r);

#endif

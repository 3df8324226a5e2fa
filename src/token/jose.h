/* JOSE for the token service: signing keys (generated, exported for sealing, published as
 * JWKs with RFC 7638 thumbprints as kids) and compact JWS signed and verified with RS256,
 * ES256 (raw r||s) or EdDSA (Ed25519), all through OpenSSL EVP. No database, no HTTP. */
#ifndef AUTHZD_TOKEN_JOSE_H
#define AUTHZD_TOKEN_JOSE_H

#include <stddef.h>

#include <jansson.h>

#include "core/arena.h"

enum jose_alg { JOSE_RS256, JOSE_ES256, JOSE_EDDSA };
#define JOSE_ALGS 3
#define JOSE_KID_LEN 43          /* base64url of a SHA-256 thumbprint, no padding */
#define JOSE_MAX_TOKEN_LEN 16384 /* jose_parse refuses longer tokens */

/* "RS256", "ES256", "EdDSA". */
const char *jose_alg_name(enum jose_alg alg);
/* 0 and *out for a name above (exact spelling), -1 for anything else. */
int jose_alg_parse(const char *name, enum jose_alg *out);

/* A key pair, or a public key alone (for verification); heap-owned, outlives requests. */
typedef struct jose_key jose_key;

/* A new key pair: RSA-2048 (e 65537), P-256 or Ed25519. NULL if OpenSSL fails. */
jose_key *jose_key_generate(enum jose_alg alg);
/* The private key as PKCS#8 DER in the arena, for sealing at rest. -1 for a public key. */
int jose_key_private_der(arena_t *a, const jose_key *k, unsigned char **der, size_t *len);
/* A key pair from PKCS#8 DER; NULL if der is not a key of alg. */
jose_key *jose_key_from_private_der(enum jose_alg alg, const unsigned char *der, size_t len);
/* A public key from its JWK (kty RSA/EC P-256/OKP Ed25519 and alg agreeing); NULL else. */
jose_key *jose_key_from_jwk(const json_t *jwk);
void jose_key_free(jose_key *k);

enum jose_alg jose_key_alg(const jose_key *k);
/* The RFC 7638 SHA-256 thumbprint, base64url: JOSE_KID_LEN chars and a NUL. */
const char *jose_key_kid(const jose_key *k);
/* The public JWK (a new object): the key's public members, kid, "use":"sig" and alg. */
json_t *jose_key_public_jwk(const jose_key *k);

/* RFC 7638 thumbprint of a public JWK (its required members only, in lexicographic order,
 * no white space) into out (JOSE_KID_LEN + 1 bytes). -1 for an unknown or incomplete kty. */
int jose_thumbprint(const json_t *jwk, char out[JOSE_KID_LEN + 1]);

/* A compact JWS of payload (len bytes of JSON) with header {"alg","typ","kid"} in that
 * order, signed by k; NUL-terminated in the arena, NULL if signing fails. */
char *jose_sign(arena_t *a, const jose_key *k, const char *typ, const char *payload, size_t len);
/* The JWS signature of len bytes of input (for ES256 raw r||s, 64 bytes) in the arena, its
 * length in *siglen; NULL for a public key or if signing fails. jose_sign signs with it;
 * exposed for known-answer tests and detached signatures. */
unsigned char *jose_signature(arena_t *a, const jose_key *k, const void *input, size_t len, size_t *siglen);

/* A compact JWS taken apart. Every pointer is into the arena. */
struct jose_jws {
	json_t *header;              /* owned by the arena */
	json_t *payload;             /* a JSON object, owned by the arena */
	const char *alg, *kid, *typ; /* from the header; NULL if absent or not strings */
	const char *signing_input;   /* "header.payload" as received */
	size_t signing_input_len;
	unsigned char *signature;
	size_t signature_len;
};
/* 0 if token is three base64url parts, the first two JSON objects (header with a string
 * alg), else -1. Checks nothing cryptographic. Also -1 past JOSE_MAX_TOKEN_LEN, for padding
 * or non-canonical base64url, duplicate keys, and a "crit" header (no extension is known). */
int jose_parse(arena_t *a, const char *token, size_t len, struct jose_jws *out);
/* 1 if jws carries k's alg and its signature verifies under k, else 0. */
int jose_verify(const jose_key *k, const struct jose_jws *jws);

#endif

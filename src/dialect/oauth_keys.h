/* The token service's signing keys in a worker: made and sealed for a ring, opened once
 * and kept (bounded, least recently used first out) so that signing and verifying need no
 * database round trip; a rotation shows as a kid the cache does not hold yet. */
#ifndef AUTHZD_DIALECT_OAUTH_KEYS_H
#define AUTHZD_DIALECT_OAUTH_KEYS_H

#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"
#include "db/db_token.h"
#include "token/jose.h"

/* A new key of alg for ring issuer_id, sealed (bound to the ring and kid) into *out; the
 * key pair itself in *key unless key is NULL. ST_INTERNAL if OpenSSL or the sealing fails. */
status_t oauth_key_make(arena_t *a, enum jose_alg alg, int64_t issuer_id, struct issuer_key *out,
			jose_key **key);

/* Key kid of ring issuer_id, from the cache or (once) from the database. NULL if the ring
 * has no such live key, with *st ST_OK; *st another status if the database failed. */
const jose_key *oauth_ring_key(struct db *db, arena_t *a, int64_t issuer_id, const char *kid, status_t *st);

/* The key a token names by kid, whichever ring it belongs to (*issuer_id), from the cache
 * or (once) from the database; NULL if no live key has that kid (*st ST_OK) or the
 * database failed (*st another status). */
const jose_key *oauth_key_by_kid(struct db *db, arena_t *a, const char *kid, int64_t *issuer_id, status_t *st);

/* Makes the ring of server_id (0: of tenant_id; 0: of the tenant of host) with alg (NULL:
 * the configured one) if it has none, and its first (current) and next keys if it has
 * none: *issuer_id. */
status_t oauth_ring_make(struct db *db, arena_t *a, const struct config *cfg, int64_t server_id, int64_t tenant_id,
			 const char *host, const char *alg, int64_t *issuer_id);

/* The ring of server_id (0: the tenant of host) ready to sign: made with two keys if it
 * has none, a next key published if it has none (the automatic rotation: the next key
 * signs rotation days after the current one, and never before it has been published for
 * twice the JWKS max-age). current_kid/next_kid: what the last statement said (NULL: none).
 * *issuer_id and *signer on success. */
status_t oauth_ring_ready(struct db *db, arena_t *a, const struct config *cfg, int64_t server_id, const char *host,
			  int64_t *issuer_id, const char *ring_alg, const char *current_kid, const char *next_kid,
			  const jose_key **signer);

/* Forgets every cached key (tests; a worker never needs to). */
void oauth_keys_clear(void);

#endif

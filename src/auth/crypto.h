/* Small cryptographic helpers over OpenSSL: randomness, SHA-256, constant-time compare,
 * hex and base64. */
#ifndef AUTHZD_CRYPTO_H
#define AUTHZD_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define CRYPTO_SHA256_LEN 32

/* n random bytes from the OS CSPRNG as lowercase hex (2n chars) in the arena; aborts if
 * the CSPRNG fails (no token may ever be predictable). */
char *crypto_random_hex(arena_t *a, size_t n);
void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN]);
/* SHA-256 of s as a PostgreSQL bytea literal "\x<64 hex>" in the arena. */
char *crypto_sha256_bytea(arena_t *a, const char *s);
/* 1 if the n bytes are equal; time depends on n only. */
int crypto_equal(const void *x, const void *y, size_t n);
/* Lowercase hex of n bytes in the arena. */
char *crypto_hex(arena_t *a, const unsigned char *bytes, size_t n);
/* Decodes even-length hex into out (n bytes); -1 if s is not exactly 2n hex digits. */
int crypto_unhex(const char *s, unsigned char *out, size_t n);
/* Standard base64 (padding optional) into the arena, NUL-terminated; NULL if malformed. */
char *crypto_base64_decode(arena_t *a, const char *in, size_t *outlen);

#endif

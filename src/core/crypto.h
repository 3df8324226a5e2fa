/* Small cryptographic helpers over OpenSSL: randomness, SHA-256, constant-time compare,
 * hex, and base64 in both alphabets (standard for Basic credentials and ETags, URL-safe
 * without padding for JOSE). */
#ifndef AUTHZD_CRYPTO_H
#define AUTHZD_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define CRYPTO_SHA256_LEN 32

/* n random bytes from the OS CSPRNG; aborts if the CSPRNG fails (no token may ever be
 * predictable). */
void crypto_random(void *out, size_t n);
/* n random bytes as lowercase hex (2n chars) in the arena. */
char *crypto_random_hex(arena_t *a, size_t n);
void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN]);
/* SHA-256 of the NUL-terminated s. */
void crypto_sha256_str(const char *s, unsigned char out[CRYPTO_SHA256_LEN]);
/* 1 if the n bytes are equal; time depends on n only. */
int crypto_equal(const void *x, const void *y, size_t n);

/* Lowercase hex of n bytes in the arena. */
char *crypto_hex(arena_t *a, const unsigned char *bytes, size_t n);
/* Decodes exactly 2n hex digits into out; -1 if s is anything else. */
int crypto_unhex(const char *s, unsigned char *out, size_t n);
/* The value of one hex digit, or -1. */
int crypto_hexval(char c);

enum base64_alphabet { BASE64_STD, BASE64_URL };
/* base64 of n bytes, NUL-terminated in the arena: BASE64_STD with '=' padding,
 * BASE64_URL (RFC 4648 section 5) without. */
char *crypto_base64_encode(arena_t *a, const void *data, size_t n, enum base64_alphabet alphabet);
/* Decodes either form (padding optional) of the given alphabet into the arena; the result
 * is NUL-terminated and *outlen gets its length. NULL if malformed. */
unsigned char *crypto_base64_decode(arena_t *a, const char *in, size_t inlen,
				    enum base64_alphabet alphabet, size_t *outlen);

#endif

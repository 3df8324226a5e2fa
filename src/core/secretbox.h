/* Secrets we must give back (Azure listSecrets) are sealed with AES-256-GCM under a key
 * from the configuration; the key id stored beside each ciphertext picks the key to open
 * it with, so keys can be rotated without re-encrypting everything at once. */
#ifndef AUTHZD_SECRETBOX_H
#define AUTHZD_SECRETBOX_H

#include <stddef.h>

#include "core/arena.h"

#define SECRETBOX_KEY_ID_LEN 16     /* hex chars: the start of SHA-256(key) */

/* Loads keys from path: one 64-hex-digit key per line, the first one current, the others
 * only for opening older ciphertexts; '#' lines are comments. Returns 0, or -1 with err. */
int secretbox_load(const char *path, char *err, size_t errlen);
/* Adds a key directly (tests); the first key added is current. */
int secretbox_add_key(const unsigned char key[32]);
void secretbox_clear(void);
/* 1 if a current key is loaded. */
int secretbox_ready(void);

/* A sealed value: nonce || ciphertext || tag, and the id of the key that sealed it. */
struct sealed {
	const unsigned char *bytes;
	size_t len;
	const char *key_id;
};

/* Seals the len bytes of plaintext bound to aad (which must be given again to open) into
 * *out (arena). -1 if no key is loaded. */
int secretbox_seal(arena_t *a, const void *plaintext, size_t len, const char *aad, struct sealed *out);
/* Opens what secretbox_seal made; the plaintext is NUL-terminated in the arena and *len
 * (if given) gets its length. NULL if the key is unknown or the data or aad do not
 * authenticate. */
char *secretbox_open(arena_t *a, const struct sealed *in, const char *aad, size_t *len);

#endif

/* Secrets we must give back (Azure listSecrets) are sealed with AES-256-GCM under a key
 * from the configuration; the key id stored beside each ciphertext picks the key to open
 * it with, so keys can be rotated without re-encrypting everything at once. */
#ifndef AUTHZD_SECRETBOX_H
#define AUTHZD_SECRETBOX_H

#include <stddef.h>

#include "arena.h"

#define SECRETBOX_KEY_ID_LEN 16     /* hex chars: the start of SHA-256(key) */

/* Loads keys from path: one 64-hex-digit key per line, the first one current, the others
 * only for opening older ciphertexts; '#' lines are comments. Returns 0, or -1 with err. */
int secretbox_load(const char *path, char *err, size_t errlen);
/* Adds a key directly (tests); the first key added is current. */
int secretbox_add_key(const unsigned char key[32]);
void secretbox_clear(void);
/* 1 if a current key is loaded. */
int secretbox_ready(void);

/* Seals plaintext bound to aad (which must be given again to open). Returns the
 * PostgreSQL bytea literal of nonce || ciphertext || tag, and sets *key_id (arena). NULL if
 * no key is loaded. */
char *secretbox_seal(arena_t *a, const char *plaintext, const char *aad, const char **key_id);
/* Opens what secretbox_seal made, given as PostgreSQL's bytea text ("\x..."). NULL if the
 * key is unknown or the data or aad do not authenticate. */
char *secretbox_open(arena_t *a, const char *bytea_text, const char *key_id, const char *aad);

#endif

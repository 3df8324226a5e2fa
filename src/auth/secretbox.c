/* AES-256-GCM through OpenSSL EVP, 96-bit random nonces. Keys live in process memory only
 * and are wiped on clear. */
#include "auth/secretbox.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "auth/crypto.h"

#define MAX_KEYS 8
#define NONCE_LEN 12
#define TAG_LEN 16

struct key {
	unsigned char bytes[32];
	char id[SECRETBOX_KEY_ID_LEN + 1];
};

static struct key keys[MAX_KEYS];
static int nkeys;

void secretbox_clear(void)
{
	OPENSSL_cleanse(keys, sizeof(keys));
	nkeys = 0;
}

int secretbox_ready(void)
{
	return nkeys > 0;
}

int secretbox_add_key(const unsigned char key[32])
{
	if (nkeys == MAX_KEYS)
		return -1;
	struct key *k = &keys[nkeys];
	memcpy(k->bytes, key, 32);
	unsigned char h[CRYPTO_SHA256_LEN];
	crypto_sha256(key, 32, h);
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < SECRETBOX_KEY_ID_LEN / 2; i++) {
		k->id[2 * i] = hex[h[i] >> 4];
		k->id[2 * i + 1] = hex[h[i] & 15];
	}
	k->id[SECRETBOX_KEY_ID_LEN] = '\0';
	nkeys++;
	return 0;
}

int secretbox_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "secret_key_file %s cannot be read", path);
		return -1;
	}
	char line[256];
	int rc = 0, lineno = 0;
	secretbox_clear();
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, " \t\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		unsigned char key[32];
		if (crypto_unhex(line, key, sizeof(key)) != 0 || secretbox_add_key(key) != 0) {
			snprintf(err, errlen, "%s:%d: expected a key of 64 hex digits", path, lineno);
			rc = -1;
		}
		OPENSSL_cleanse(key, sizeof(key));
		if (rc != 0)
			break;
	}
	OPENSSL_cleanse(line, sizeof(line));
	fclose(f);
	if (rc == 0 && nkeys == 0) {
		snprintf(err, errlen, "%s holds no key", path);
		rc = -1;
	}
	if (rc != 0)
		secretbox_clear();
	return rc;
}

char *secretbox_seal(arena_t *a, const char *plaintext, const char *aad, const char **key_id)
{
	if (nkeys == 0)
		return NULL;
	size_t len = strlen(plaintext);
	unsigned char *buf = arena_alloc(a, NONCE_LEN + len + TAG_LEN);
	unsigned char *nonce = buf, *ct = buf + NONCE_LEN, *tag = buf + NONCE_LEN + len;
	int outl = 0, ok = 0;
	if (RAND_bytes(nonce, NONCE_LEN) != 1)
		abort();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		abort();
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, keys[0].bytes, nonce) == 1 &&
	     EVP_EncryptUpdate(ctx, NULL, &outl, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
	     EVP_EncryptUpdate(ctx, ct, &outl, (const unsigned char *)plaintext, (int)len) == 1 &&
	     EVP_EncryptFinal_ex(ctx, ct + outl, &outl) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return NULL;
	*key_id = arena_strdup(a, keys[0].id);
	return arena_sprintf(a, "\\x%s", crypto_hex(a, buf, NONCE_LEN + len + TAG_LEN));
}

char *secretbox_open(arena_t *a, const char *bytea_text, const char *key_id, const char *aad)
{
	const struct key *k = NULL;
	for (int i = 0; i < nkeys; i++)
		if (strcmp(keys[i].id, key_id) == 0)
			k = &keys[i];
	if (k == NULL || bytea_text == NULL || strncmp(bytea_text, "\\x", 2) != 0)
		return NULL;
	size_t hexlen = strlen(bytea_text + 2);
	if (hexlen % 2 != 0 || hexlen / 2 < NONCE_LEN + TAG_LEN)
		return NULL;
	size_t total = hexlen / 2, len = total - NONCE_LEN - TAG_LEN;
	unsigned char *buf = arena_alloc(a, total);
	if (crypto_unhex(bytea_text + 2, buf, total) != 0)
		return NULL;
	char *out = arena_alloc(a, len + 1);
	int outl = 0, ok;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		abort();
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k->bytes, buf) == 1 &&
	     EVP_DecryptUpdate(ctx, NULL, &outl, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
	     EVP_DecryptUpdate(ctx, (unsigned char *)out, &outl, buf + NONCE_LEN, (int)len) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, buf + NONCE_LEN + len) == 1 &&
	     EVP_DecryptFinal_ex(ctx, (unsigned char *)out + outl, &outl) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return NULL;
	out[len] = '\0';
	return out;
}

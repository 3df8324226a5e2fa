/* AES-256-GCM through OpenSSL EVP, 96-bit random nonces. Keys live in process memory only
 * and are wiped on clear. */
#include "core/secretbox.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/crypto.h"

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

/* Fills k from the 32 key bytes; its id is the start of their SHA-256 in hex. */
static void key_init(struct key *k, const unsigned char key[32])
{
	memcpy(k->bytes, key, 32);
	unsigned char h[CRYPTO_SHA256_LEN];
	crypto_sha256(key, 32, h);
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < SECRETBOX_KEY_ID_LEN / 2; i++) {
		k->id[2 * i] = hex[h[i] >> 4];
		k->id[2 * i + 1] = hex[h[i] & 15];
	}
	k->id[SECRETBOX_KEY_ID_LEN] = '\0';
}

int secretbox_add_key(const unsigned char key[32])
{
	if (nkeys == MAX_KEYS)
		return -1;
	key_init(&keys[nkeys++], key);
	return 0;
}

/* The keys are read into a copy and replace the loaded ones only when the whole file is
 * good: a reload (SIGHUP) that meets a broken file keeps the keys in use. */
int secretbox_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "secret_key_file %s cannot be read", path);
		return -1;
	}
	struct key fresh[MAX_KEYS];
	char line[256];
	int rc = 0, lineno = 0, n = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, " \t\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		unsigned char key[32];
		if (crypto_unhex(line, key, sizeof(key)) != 0 || n == MAX_KEYS) {
			snprintf(err, errlen, "%s:%d: expected a key of 64 hex digits", path, lineno);
			rc = -1;
		} else {
			key_init(&fresh[n++], key);
		}
		OPENSSL_cleanse(key, sizeof(key));
		if (rc != 0)
			break;
	}
	OPENSSL_cleanse(line, sizeof(line));
	fclose(f);
	if (rc == 0 && n == 0) {
		snprintf(err, errlen, "%s holds no key", path);
		rc = -1;
	}
	if (rc == 0) {
		secretbox_clear();
		memcpy(keys, fresh, sizeof(fresh[0]) * (size_t)n);
		nkeys = n;
	}
	OPENSSL_cleanse(fresh, sizeof(fresh));
	return rc;
}

int secretbox_seal(arena_t *a, const void *plaintext, size_t len, const char *aad, struct sealed *out)
{
	if (nkeys == 0 || len > (size_t)INT32_MAX - NONCE_LEN - TAG_LEN)
		return -1;
	unsigned char *buf = arena_alloc(a, NONCE_LEN + len + TAG_LEN);
	unsigned char *nonce = buf, *ct = buf + NONCE_LEN, *tag = buf + NONCE_LEN + len;
	int outl = 0, ok = 0;
	crypto_random(nonce, NONCE_LEN);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		abort();
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, keys[0].bytes, nonce) == 1 &&
	     EVP_EncryptUpdate(ctx, NULL, &outl, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
	     EVP_EncryptUpdate(ctx, ct, &outl, plaintext, (int)len) == 1 &&
	     EVP_EncryptFinal_ex(ctx, ct + outl, &outl) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return -1;
	out->bytes = buf;
	out->len = NONCE_LEN + len + TAG_LEN;
	out->key_id = arena_strdup(a, keys[0].id);
	return 0;
}

char *secretbox_open(arena_t *a, const struct sealed *in, const char *aad, size_t *outlen)
{
	const struct key *k = NULL;
	for (int i = 0; i < nkeys && in->key_id != NULL; i++)
		if (strcmp(keys[i].id, in->key_id) == 0)
			k = &keys[i];
	if (k == NULL || in->bytes == NULL || in->len < NONCE_LEN + TAG_LEN || in->len > (size_t)INT32_MAX)
		return NULL;
	const unsigned char *buf = in->bytes;
	size_t len = in->len - NONCE_LEN - TAG_LEN;
	char *out = arena_alloc(a, len + 1);
	int outl = 0, ok;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		abort();
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k->bytes, buf) == 1 &&
	     EVP_DecryptUpdate(ctx, NULL, &outl, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
	     EVP_DecryptUpdate(ctx, (unsigned char *)out, &outl, buf + NONCE_LEN, (int)len) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, (void *)(buf + NONCE_LEN + len)) == 1 &&
	     EVP_DecryptFinal_ex(ctx, (unsigned char *)out + outl, &outl) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return NULL;
	out[len] = '\0';
	if (outlen != NULL)
		*outlen = len;
	return out;
}

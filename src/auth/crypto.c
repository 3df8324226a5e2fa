/* Cryptographic helpers. Secrets and tokens are 256-bit random values, so a plain SHA-256
 * is the right hash for them (a slow password hash adds nothing against 2^256 guesses). */
#include "auth/crypto.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

static const char hexdigits[] = "0123456789abcdef";

char *crypto_hex(arena_t *a, const unsigned char *bytes, size_t n)
{
	char *out = arena_alloc(a, 2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdigits[bytes[i] >> 4];
		out[2 * i + 1] = hexdigits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

char *crypto_random_hex(arena_t *a, size_t n)
{
	unsigned char buf[64];
	if (n > sizeof(buf) || RAND_bytes(buf, (int)n) != 1)
		abort();
	char *hex = crypto_hex(a, buf, n);
	OPENSSL_cleanse(buf, sizeof(buf));
	return hex;
}

void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN])
{
	unsigned int outlen = 0;
	if (EVP_Digest(data, len, out, &outlen, EVP_sha256(), NULL) != 1 ||
	    outlen != CRYPTO_SHA256_LEN)
		abort();
}

char *crypto_sha256_bytea(arena_t *a, const char *s)
{
	unsigned char h[CRYPTO_SHA256_LEN];
	crypto_sha256(s, strlen(s), h);
	return arena_sprintf(a, "\\x%s", crypto_hex(a, h, sizeof(h)));
}

int crypto_equal(const void *x, const void *y, size_t n)
{
	return CRYPTO_memcmp(x, y, n) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int crypto_unhex(const char *s, unsigned char *out, size_t n)
{
	if (s == NULL || strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi * 16 + lo);
	}
	return 0;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

char *crypto_base64_decode(arena_t *a, const char *in, size_t *outlen)
{
	size_t len = strlen(in);
	while (len > 0 && in[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return NULL;
	char *out = arena_alloc(a, len * 3 / 4 + 1);
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b64val(in[i]);
		if (v < 0)
			return NULL;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xFF);
		}
	}
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return out;
}

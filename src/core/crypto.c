/* Cryptographic helpers. Secrets and tokens are 256-bit random values, so a plain SHA-256
 * is the right hash for them (a slow password hash adds nothing against 2^256 guesses).
 * Base64 goes through OpenSSL's EVP block coder; the URL-safe alphabet is the standard one
 * with two characters swapped and the padding dropped. */
#include "core/crypto.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

static const char hexdigits[] = "0123456789abcdef";

void crypto_random(void *out, size_t n)
{
	if (n > (size_t)INT32_MAX || RAND_bytes(out, (int)n) != 1)
		abort();
}

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
	if (n > sizeof(buf))
		abort();
	crypto_random(buf, n);
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

void crypto_sha256_str(const char *s, unsigned char out[CRYPTO_SHA256_LEN])
{
	crypto_sha256(s, strlen(s), out);
}

int crypto_equal(const void *x, const void *y, size_t n)
{
	return CRYPTO_memcmp(x, y, n) == 0;
}

int crypto_hexval(char c)
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
		int hi = crypto_hexval(s[2 * i]), lo = crypto_hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi * 16 + lo);
	}
	return 0;
}

char *crypto_base64_encode(arena_t *a, const void *data, size_t n, enum base64_alphabet alphabet)
{
	if (n > (size_t)INT32_MAX / 2)
		abort();
	char *out = arena_alloc(a, 4 * ((n + 2) / 3) + 1);
	int len = EVP_EncodeBlock((unsigned char *)out, data, (int)n);
	if (alphabet == BASE64_URL) {
		while (len > 0 && out[len - 1] == '=')
			len--;
		for (int i = 0; i < len; i++)
			out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
	}
	out[len] = '\0';
	return out;
}

static int in_alphabet(char c, enum base64_alphabet alphabet)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return alphabet == BASE64_URL ? c == '-' || c == '_' : c == '+' || c == '/';
}

unsigned char *crypto_base64_decode(arena_t *a, const char *in, size_t inlen,
				    enum base64_alphabet alphabet, size_t *outlen)
{
	while (inlen > 0 && in[inlen - 1] == '=')
		inlen--;
	if (inlen % 4 == 1 || inlen > (size_t)INT32_MAX / 2)
		return NULL;
	/* EVP_DecodeBlock wants the standard alphabet, padded to a multiple of 4 */
	size_t padded = (inlen + 3) / 4 * 4;
	char *std = arena_alloc(a, padded + 1);
	for (size_t i = 0; i < inlen; i++) {
		if (!in_alphabet(in[i], alphabet))
			return NULL;
		std[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
	}
	memset(std + inlen, '=', padded - inlen);
	std[padded] = '\0';
	unsigned char *out = arena_alloc(a, padded / 4 * 3 + 1);
	int len = padded ? EVP_DecodeBlock(out, (unsigned char *)std, (int)padded) : 0;
	if (len < 0)
		return NULL;
	len -= (int)(padded - inlen);     /* EVP_DecodeBlock counts padding as zero bytes */
	out[len] = '\0';
	if (outlen != NULL)
		*outlen = (size_t)len;
	return out;
}

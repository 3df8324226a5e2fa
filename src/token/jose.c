/* JOSE over OpenSSL 3 EVP: signing keys with their public JWK members and RFC 7638 kid
 * worked out once at creation, compact JWS signing on the hot path, strict parsing. */
#include "token/jose.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "core/crypto.h"
#include "core/jsonx.h"

#define EC_COORD_LEN 32          /* P-256 field element */
#define ED25519_LEN 32
#define RAW_SIG_MAX 64           /* ES256 r||s, Ed25519 R||S */
#define RSA_MIN_BITS 2048
#define TYP_MAX 64

static const struct alg_info {
	const char *name;        /* the JWS "alg" */
	const char *keytype;     /* OpenSSL's key type, as the decoder and EVP_PKEY_is_a know it */
	const char *kty;         /* the JWK "kty" */
} algs[JOSE_ALGS] = {
	[JOSE_RS256] = { "RS256", "RSA", "RSA" },
	[JOSE_ES256] = { "ES256", "EC", "EC" },
	[JOSE_EDDSA] = { "EdDSA", "ED25519", "OKP" },
};

/* The signing header for the last typ asked for: tokens of one kind share it, so signing
 * a token costs no header encoding. */
struct header_cache {
	char typ[TYP_MAX + 1];
	char *b64;               /* malloc'd; NULL until the first jose_sign */
	size_t len;
};

struct jose_key {
	EVP_PKEY *pkey;
	enum jose_alg alg;
	int private;
	char kid[JOSE_KID_LEN + 1];
	json_t *members;         /* the public members in publishing order: kty first */
	size_t sig_max;          /* EVP's signature size: the modulus, 72 for DER ECDSA, 64 */
	/* Contexts initialised once with the key and copied per call: copying skips fetching
	 * the signature method and setting the key up again. */
	EVP_MD_CTX *sign_tmpl, *verify_tmpl, *work;
	struct header_cache *header;
};

const char *jose_alg_name(enum jose_alg alg)
{
	return (unsigned)alg < JOSE_ALGS ? algs[alg].name : NULL;
}

int jose_alg_parse(const char *name, enum jose_alg *out)
{
	for (int i = 0; name != NULL && i < JOSE_ALGS; i++)
		if (strcmp(name, algs[i].name) == 0) {
			*out = (enum jose_alg)i;
			return 0;
		}
	return -1;
}

/* The digest each alg signs with; Ed25519 hashes inside the algorithm and wants none. */
static const EVP_MD *alg_md(enum jose_alg alg)
{
	return alg == JOSE_EDDSA ? NULL : EVP_sha256();
}

/* 1 if pkey is a key alg may use: RSA of at least 2048 bits, EC on P-256, Ed25519. */
static int key_fits(const EVP_PKEY *pkey, enum jose_alg alg)
{
	char group[32];
	if (!EVP_PKEY_is_a(pkey, algs[alg].keytype))
		return 0;
	switch (alg) {
	case JOSE_RS256:
		return EVP_PKEY_get_bits(pkey) >= RSA_MIN_BITS;
	case JOSE_ES256:
		return EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL) == 1 &&
		       strcmp(group, SN_X9_62_prime256v1) == 0;
	case JOSE_EDDSA:
		return 1;
	}
	return 0;
}

static int set_str(json_t *o, const char *name, const char *value)
{
	return value != NULL && json_object_set_new(o, name, json_string(value)) == 0 ? 0 : -1;
}

static char *bn_b64(arena_t *a, const BIGNUM *bn, int pad)
{
	int n = pad ? pad : BN_num_bytes(bn);
	unsigned char *bytes = arena_alloc(a, (size_t)n + 1);
	if (BN_bn2binpad(bn, bytes, n) != n)
		return NULL;
	return crypto_base64_encode(a, bytes, (size_t)n, BASE64_URL);
}

/* The public JWK members of pkey, read back from OpenSSL so they are canonical whatever
 * the key came from (RSA n and e unpadded, EC coordinates left-padded to 32 bytes). */
static json_t *public_members(arena_t *a, const EVP_PKEY *pkey, enum jose_alg alg)
{
	json_t *o = json_object();
	BIGNUM *b1 = NULL, *b2 = NULL;
	unsigned char raw[ED25519_LEN];
	size_t rawlen = 0;
	int rc = set_str(o, "kty", algs[alg].kty);
	switch (alg) {
	case JOSE_RS256:
		rc = rc || EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &b1) != 1 ||
		     EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &b2) != 1 ||
		     set_str(o, "n", bn_b64(a, b1, 0)) || set_str(o, "e", bn_b64(a, b2, 0));
		break;
	case JOSE_ES256:
		rc = rc || EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &b1) != 1 ||
		     EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &b2) != 1 ||
		     set_str(o, "crv", "P-256") ||
		     set_str(o, "x", bn_b64(a, b1, EC_COORD_LEN)) || set_str(o, "y", bn_b64(a, b2, EC_COORD_LEN));
		break;
	case JOSE_EDDSA:
		rc = rc || EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, raw, sizeof(raw),
							     &rawlen) != 1 || rawlen != ED25519_LEN ||
		     set_str(o, "crv", "Ed25519") ||
		     set_str(o, "x", crypto_base64_encode(a, raw, rawlen, BASE64_URL));
		break;
	}
	BN_free(b1);
	BN_free(b2);
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static EVP_MD_CTX *ctx_for(EVP_PKEY *pkey, enum jose_alg alg, int sign)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return NULL;
	int ok = sign ? EVP_DigestSignInit(ctx, NULL, alg_md(alg), NULL, pkey)
		      : EVP_DigestVerifyInit(ctx, NULL, alg_md(alg), NULL, pkey);
	if (ok != 1) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* A key around pkey (taken over, freed on failure): everything jose_sign and jose_verify
 * need is worked out here, once. */
static jose_key *key_new(EVP_PKEY *pkey, enum jose_alg alg, int private)
{
	if (pkey == NULL)
		return NULL;
	jose_key *k = calloc(1, sizeof(*k));
	arena_t *scratch = arena_create(0);
	if (k == NULL)
		abort();
	k->pkey = pkey;
	k->alg = alg;
	k->private = private;
	k->sig_max = (size_t)EVP_PKEY_get_size(pkey);
	k->header = calloc(1, sizeof(*k->header));
	if (k->header == NULL)
		abort();
	k->members = key_fits(pkey, alg) ? public_members(scratch, pkey, alg) : NULL;
	if (k->members == NULL || jose_thumbprint(k->members, k->kid) != 0 ||
	    k->sig_max < RAW_SIG_MAX || (k->work = EVP_MD_CTX_new()) == NULL ||
	    (k->verify_tmpl = ctx_for(pkey, alg, 0)) == NULL ||
	    (private && (k->sign_tmpl = ctx_for(pkey, alg, 1)) == NULL)) {
		jose_key_free(k);
		k = NULL;
		ERR_clear_error();
	}
	arena_destroy(scratch);
	return k;
}

void jose_key_free(jose_key *k)
{
	if (k == NULL)
		return;
	EVP_MD_CTX_free(k->sign_tmpl);
	EVP_MD_CTX_free(k->verify_tmpl);
	EVP_MD_CTX_free(k->work);
	EVP_PKEY_free(k->pkey);
	json_decref(k->members);
	if (k->header != NULL)
		free(k->header->b64);
	free(k->header);
	free(k);
}

jose_key *jose_key_generate(enum jose_alg alg)
{
	EVP_PKEY *pkey = NULL;
	switch (alg) {
	case JOSE_RS256:
		/* OpenSSL's default public exponent is 65537 */
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)RSA_MIN_BITS);
		break;
	case JOSE_ES256:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case JOSE_EDDSA:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	default:
		return NULL;
	}
	if (pkey == NULL)
		ERR_clear_error();
	return key_new(pkey, alg, 1);
}

enum jose_alg jose_key_alg(const jose_key *k)
{
	return k->alg;
}

const char *jose_key_kid(const jose_key *k)
{
	return k->kid;
}

/* Private key bytes in an arena: wiped when the arena resets, not merely forgotten. */
struct secret {
	size_t len;
	unsigned char bytes[];
};

static void secret_wipe(void *p)
{
	struct secret *s = p;
	OPENSSL_cleanse(s->bytes, s->len);
}

int jose_key_private_der(arena_t *a, const jose_key *k, unsigned char **der, size_t *len)
{
	unsigned char *buf = NULL;
	size_t n = 0;
	int rc = -1;
	if (!k->private)
		return -1;
	OSSL_ENCODER_CTX *ctx = OSSL_ENCODER_CTX_new_for_pkey(k->pkey, EVP_PKEY_KEYPAIR, "DER",
							      "PrivateKeyInfo", NULL);
	if (ctx != NULL && OSSL_ENCODER_CTX_get_num_encoders(ctx) > 0 &&
	    OSSL_ENCODER_to_data(ctx, &buf, &n) == 1 && buf != NULL) {
		struct secret *s = arena_alloc(a, sizeof(*s) + n);
		s->len = n;
		memcpy(s->bytes, buf, n);
		arena_on_reset(a, secret_wipe, s);
		*der = s->bytes;
		*len = n;
		rc = 0;
	}
	OPENSSL_clear_free(buf, n);
	OSSL_ENCODER_CTX_free(ctx);
	if (rc != 0)
		ERR_clear_error();
	return rc;
}

jose_key *jose_key_from_private_der(enum jose_alg alg, const unsigned char *der, size_t len)
{
	EVP_PKEY *pkey = NULL;
	const unsigned char *p = der;
	size_t left = len;
	if ((unsigned)alg >= JOSE_ALGS || der == NULL || len == 0)
		return NULL;
	/* PKCS#8 of the alg's key type only: no traditional formats, nothing encrypted */
	OSSL_DECODER_CTX *ctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", "PrivateKeyInfo",
							      algs[alg].keytype, EVP_PKEY_KEYPAIR, NULL, NULL);
	if (ctx == NULL || OSSL_DECODER_from_data(ctx, &p, &left) != 1 || left != 0 ||
	    pkey == NULL || !key_fits(pkey, alg)) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
		ERR_clear_error();
	}
	OSSL_DECODER_CTX_free(ctx);
	return key_new(pkey, alg, 1);
}

static int b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static int b64url_value(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 :
	       c >= '0' && c <= '9' ? c - '0' + 52 : c == '-' ? 62 : 63;
}

/* Base64url without padding as JWS parts and JWK members are. The unused low bits of the
 * last character must be zero, so each value has exactly one encoding: a token cannot be
 * altered without breaking its signature, a JWK not without changing its thumbprint.
 * crypto_base64_decode checks the alphabet. */
static unsigned char *part_decode(arena_t *a, const char *s, size_t n, size_t *len)
{
	if (n == 0 || (n % 4 == 2 && (b64url_value(s[n - 1]) & 0x0f) != 0) ||
	    (n % 4 == 3 && (b64url_value(s[n - 1]) & 0x03) != 0))
		return NULL;
	return crypto_base64_decode(a, s, n, BASE64_URL, len);
}

/* The bytes of a base64url member (no padding) in the arena; NULL if absent or malformed. */
static unsigned char *member_bytes(arena_t *a, const json_t *jwk, const char *name, size_t *len)
{
	const char *s = json_string_value(json_object_get(jwk, name));
	if (s == NULL || strchr(s, '=') != NULL)
		return NULL;
	return part_decode(a, s, strlen(s), len);
}

/* RSA n and e are unsigned big-endian without leading zeros (RFC 7518 6.3.1). */
static BIGNUM *member_bn(arena_t *a, const json_t *jwk, const char *name)
{
	size_t n = 0;
	unsigned char *b = member_bytes(a, jwk, name, &n);
	if (b == NULL || n == 0 || b[0] == 0 || n > INT32_MAX)
		return NULL;
	return BN_bin2bn(b, (int)n, NULL);
}

static EVP_PKEY *rsa_from_jwk(arena_t *a, const json_t *jwk)
{
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM *params = NULL;
	BIGNUM *n = member_bn(a, jwk, "n"), *e = member_bn(a, jwk, "e");
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (n != NULL && e != NULL && bld != NULL && ctx != NULL &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1 &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) != NULL && EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(n);
	BN_free(e);
	return pkey;
}

static EVP_PKEY *ec_from_jwk(arena_t *a, const json_t *jwk)
{
	EVP_PKEY *pkey = NULL;
	size_t xl = 0, yl = 0;
	unsigned char point[1 + 2 * EC_COORD_LEN];
	const unsigned char *x = member_bytes(a, jwk, "x", &xl), *y = member_bytes(a, jwk, "y", &yl);
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	if (x == NULL || y == NULL || xl != EC_COORD_LEN || yl != EC_COORD_LEN ||
	    crv == NULL || strcmp(crv, "P-256") != 0)
		return NULL;
	point[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(point + 1, x, EC_COORD_LEN);
	memcpy(point + 1 + EC_COORD_LEN, y, EC_COORD_LEN);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)SN_X9_62_prime256v1, 0),
		OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)),
		OSSL_PARAM_construct_end(),
	};
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

static EVP_PKEY *okp_from_jwk(arena_t *a, const json_t *jwk)
{
	size_t xl = 0;
	const unsigned char *x = member_bytes(a, jwk, "x", &xl);
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	if (x == NULL || xl != ED25519_LEN || crv == NULL || strcmp(crv, "Ed25519") != 0)
		return NULL;
	return EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, x, xl);
}

/* The public key must pass OpenSSL's own checks (an EC point on the curve, a sane RSA
 * modulus and exponent) before anything is verified with it. */
static int public_ok(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	int ok = ctx != NULL && EVP_PKEY_public_check(ctx) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

jose_key *jose_key_from_jwk(const json_t *jwk)
{
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	const char *alg_name = json_string_value(json_object_get(jwk, "alg"));
	const json_t *use = json_object_get(jwk, "use");
	EVP_PKEY *pkey = NULL;
	int alg = -1;
	for (int i = 0; kty != NULL && i < JOSE_ALGS; i++)
		if (strcmp(kty, algs[i].kty) == 0)
			alg = i;
	/* alg and use are optional, but when present must not say something else */
	if (alg < 0 || (json_object_get(jwk, "alg") != NULL &&
			(alg_name == NULL || strcmp(alg_name, algs[alg].name) != 0)) ||
	    (use != NULL && (json_string_value(use) == NULL || strcmp(json_string_value(use), "sig") != 0)))
		return NULL;
	arena_t *scratch = arena_create(0);
	switch ((enum jose_alg)alg) {
	case JOSE_RS256:
		pkey = rsa_from_jwk(scratch, jwk);
		break;
	case JOSE_ES256:
		pkey = ec_from_jwk(scratch, jwk);
		break;
	case JOSE_EDDSA:
		pkey = okp_from_jwk(scratch, jwk);
		break;
	}
	arena_destroy(scratch);
	if (pkey != NULL && (!key_fits(pkey, (enum jose_alg)alg) || !public_ok(pkey))) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	if (pkey == NULL)
		ERR_clear_error();
	return key_new(pkey, (enum jose_alg)alg, 0);
}

json_t *jose_key_public_jwk(const jose_key *k)
{
	json_t *jwk = json_copy(k->members);
	if (jwk == NULL || set_str(jwk, "kid", k->kid) || set_str(jwk, "use", "sig") ||
	    set_str(jwk, "alg", algs[k->alg].name))
		abort();
	return jwk;
}

int jose_thumbprint(const json_t *jwk, char out[JOSE_KID_LEN + 1])
{
	/* RFC 7638 3.2: the required members of each kty, already in lexicographic order */
	static const struct {
		const char *kty;
		const char *members[4];
	} required[] = {
		{ "EC", { "crv", "kty", "x", "y" } },
		{ "OKP", { "crv", "kty", "x", NULL } },
		{ "RSA", { "e", "kty", "n", NULL } },
	};
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	int rc = -1;
	for (size_t i = 0; kty != NULL && i < sizeof(required) / sizeof(required[0]); i++) {
		if (strcmp(kty, required[i].kty) != 0)
			continue;
		json_t *canon = json_object();
		int complete = 1;
		for (int m = 0; m < 4 && required[i].members[m] != NULL; m++) {
			json_t *v = json_object_get(jwk, required[i].members[m]);
			if (!json_is_string(v) || json_object_set(canon, required[i].members[m], v) != 0)
				complete = 0;
		}
		char *text = complete ? json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		if (text != NULL) {
			unsigned char h[CRYPTO_SHA256_LEN];
			arena_t *scratch = arena_create(0);
			crypto_sha256(text, strlen(text), h);
			const char *b64 = crypto_base64_encode(scratch, h, sizeof(h), BASE64_URL);
			memcpy(out, b64, JOSE_KID_LEN + 1);
			arena_destroy(scratch);
			free(text);
			rc = 0;
		}
		json_decref(canon);
	}
	return rc;
}

/* ECDSA in EVP speaks DER; JWS wants r||s, each left-padded to 32 bytes (RFC 7518 3.4). */
static int es256_der_to_raw(const unsigned char *der, size_t len, unsigned char raw[2 * EC_COORD_LEN])
{
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	ECDSA_SIG *sig = len <= INT32_MAX ? d2i_ECDSA_SIG(NULL, &p, (long)len) : NULL;
	int rc = -1;
	if (sig != NULL) {
		ECDSA_SIG_get0(sig, &r, &s);
		if (BN_bn2binpad(r, raw, EC_COORD_LEN) == EC_COORD_LEN &&
		    BN_bn2binpad(s, raw + EC_COORD_LEN, EC_COORD_LEN) == EC_COORD_LEN)
			rc = 0;
	}
	ECDSA_SIG_free(sig);
	return rc;
}

/* The DER of raw r||s into der (room for 72 bytes); its length, or 0. */
static size_t es256_raw_to_der(const unsigned char raw[2 * EC_COORD_LEN], unsigned char *der, size_t room)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, EC_COORD_LEN, NULL), *s = BN_bin2bn(raw + EC_COORD_LEN, EC_COORD_LEN, NULL);
	size_t n = 0;
	if (sig != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(sig, r, s) == 1) {
		r = s = NULL;                   /* sig owns them now */
		int need = i2d_ECDSA_SIG(sig, NULL);
		unsigned char *p = der;
		if (need > 0 && (size_t)need <= room && i2d_ECDSA_SIG(sig, &p) == need)
			n = (size_t)need;
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	return n;
}

unsigned char *jose_signature(arena_t *a, const jose_key *k, const void *input, size_t len, size_t *siglen)
{
	if (!k->private)
		return NULL;
	unsigned char *sig = arena_alloc(a, k->sig_max);
	size_t n = k->sig_max;
	if (EVP_MD_CTX_copy_ex(k->work, k->sign_tmpl) != 1 ||
	    EVP_DigestSign(k->work, sig, &n, input, len) != 1) {
		ERR_clear_error();
		return NULL;
	}
	if (k->alg == JOSE_ES256) {
		unsigned char *raw = arena_alloc(a, 2 * EC_COORD_LEN);
		if (es256_der_to_raw(sig, n, raw) != 0)
			return NULL;
		sig = raw;
		n = 2 * EC_COORD_LEN;
	}
	*siglen = n;
	return sig;
}

/* typ goes into the header as it is, so it must need no JSON escaping. */
static int typ_ok(const char *typ)
{
	size_t n = 0;
	for (; typ[n] != '\0'; n++)
		if (typ[n] < 0x20 || typ[n] > 0x7e || typ[n] == '"' || typ[n] == '\\')
			return 0;
	return n > 0 && n <= TYP_MAX;
}

static const struct header_cache *signing_header(arena_t *a, const jose_key *k, const char *typ)
{
	struct header_cache *h = k->header;
	if (h->b64 != NULL && strcmp(h->typ, typ) == 0)
		return h;
	if (!typ_ok(typ))
		return NULL;
	char *json = arena_sprintf(a, "{\"alg\":\"%s\",\"typ\":\"%s\",\"kid\":\"%s\"}",
				   algs[k->alg].name, typ, k->kid);
	char *b64 = crypto_base64_encode(a, json, strlen(json), BASE64_URL);
	free(h->b64);
	h->b64 = strdup(b64);
	if (h->b64 == NULL)
		abort();
	h->len = strlen(b64);
	strcpy(h->typ, typ);
	return h;
}

char *jose_sign(arena_t *a, const jose_key *k, const char *typ, const char *payload, size_t len)
{
	const struct header_cache *h = typ != NULL && payload != NULL ? signing_header(a, k, typ) : NULL;
	if (h == NULL || !k->private)
		return NULL;
	const char *body = crypto_base64_encode(a, payload, len, BASE64_URL);
	size_t bodylen = strlen(body), inlen = h->len + 1 + bodylen;
	/* the signature's base64url is at most 4 chars for each 3 bytes, rounded up */
	char *out = arena_alloc(a, inlen + 1 + (k->sig_max + 2) / 3 * 4 + 1);
	memcpy(out, h->b64, h->len);
	out[h->len] = '.';
	memcpy(out + h->len + 1, body, bodylen);
	size_t siglen = 0;
	const unsigned char *sig = jose_signature(a, k, out, inlen, &siglen);
	if (sig == NULL)
		return NULL;
	const char *sig64 = crypto_base64_encode(a, sig, siglen, BASE64_URL);
	out[inlen] = '.';
	strcpy(out + inlen + 1, sig64);
	return out;
}

static json_t *part_object(arena_t *a, const char *s, size_t n)
{
	size_t len = 0;
	const unsigned char *bytes = part_decode(a, s, n, &len);
	json_t *v = bytes != NULL ? json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	jsonx_arena_own(a, v);
	return json_is_object(v) ? v : NULL;
}

int jose_parse(arena_t *a, const char *token, size_t len, struct jose_jws *out)
{
	size_t dots[2], ndots = 0;
	memset(out, 0, sizeof(*out));
	if (token == NULL || len == 0 || len > JOSE_MAX_TOKEN_LEN)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (token[i] == '.') {
			if (ndots == 2)
				return -1;
			dots[ndots++] = i;
		} else if (!b64url_char(token[i])) {
			return -1;
		}
	}
	if (ndots != 2)
		return -1;
	json_t *header = part_object(a, token, dots[0]);
	json_t *payload = part_object(a, token + dots[0] + 1, dots[1] - dots[0] - 1);
	size_t siglen = 0;
	unsigned char *sig = part_decode(a, token + dots[1] + 1, len - dots[1] - 1, &siglen);
	const char *alg = json_string_value(json_object_get(header, "alg"));
	/* RFC 7515 4.1.11: we understand no extension, so a token that needs one is refused */
	if (header == NULL || payload == NULL || sig == NULL || alg == NULL ||
	    json_object_get(header, "crit") != NULL)
		return -1;
	out->header = header;
	out->payload = payload;
	out->alg = alg;
	out->kid = json_string_value(json_object_get(header, "kid"));
	out->typ = json_string_value(json_object_get(header, "typ"));
	out->signing_input = arena_strndup(a, token, dots[1]);
	out->signing_input_len = dots[1];
	out->signature = sig;
	out->signature_len = siglen;
	return 0;
}

int jose_verify(const jose_key *k, const struct jose_jws *jws)
{
	unsigned char der[80];
	/* the key decides the algorithm; the token's alg must merely agree (no "none", no
	 * RS256 token checked with an HMAC of the public key, no ES256 key taking RS256) */
	if (k == NULL || jws == NULL || jws->alg == NULL || strcmp(jws->alg, algs[k->alg].name) != 0 ||
	    jws->signing_input == NULL || jws->signature == NULL)
		return 0;
	const unsigned char *sig = jws->signature;
	size_t siglen = jws->signature_len;
	switch (k->alg) {
	case JOSE_RS256:
		if (siglen != k->sig_max)
			return 0;
		break;
	case JOSE_ES256:
		if (siglen != 2 * EC_COORD_LEN || (siglen = es256_raw_to_der(sig, der, sizeof(der))) == 0)
			return 0;
		sig = der;
		break;
	case JOSE_EDDSA:
		if (siglen != RAW_SIG_MAX)
			return 0;
		break;
	}
	int ok = EVP_MD_CTX_copy_ex(k->work, k->verify_tmpl) == 1 &&
		 EVP_DigestVerify(k->work, sig, siglen, (const unsigned char *)jws->signing_input,
				  jws->signing_input_len) == 1;
	if (!ok)
		ERR_clear_error();
	return ok;
}

/* JOSE on published vectors (RFC 7515 A.2/A.3, RFC 7638 3.1, RFC 8037 A), generated keys
 * of each alg, alg confusion, and what the strict compact parser refuses. */
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/jsonx.h"
#include "token/jose.h"
#include "suites.h"

/* RFC 8037 A.1 (the Ed25519 private key's 32-byte seed and its public key), A.3 (the
 * thumbprint of the A.2 public JWK) and A.4 (the JWS of "Example of Ed25519 signing"). */
#define RFC8037_SEED_HEX "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define RFC8037_D "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
#define RFC8037_X "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
#define RFC8037_KID "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
#define RFC8037_INPUT "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
#define RFC8037_SIG "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
/* The fixed PKCS#8 prefix of an Ed25519 private key (RFC 8410 7): the seed follows. */
#define ED25519_PKCS8_PREFIX_HEX "302e020100300506032b657004220420"

/* RFC 7638 3.1: the RSA key of RFC 7517 A.1 and its thumbprint. */
#define RFC7638_N "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP" \
	"ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQ" \
	"MicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRw" \
	"r3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
#define RFC7638_KID "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

/* RFC 7515 A.2 (RS256) and A.3 (ES256): the same claims, the public keys. */
#define RFC7515_PAYLOAD "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
#define RFC7515_A2_JWS "eyJhbGciOiJSUzI1NiJ9." RFC7515_PAYLOAD ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJb" \
	"u3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTy" \
	"WzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noO" \
	"PqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
#define RFC7515_A2_N "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d" \
	"4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA" \
	"9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_" \
	"h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
#define RFC7515_A3_JWS "eyJhbGciOiJFUzI1NiJ9." RFC7515_PAYLOAD \
	".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
#define RFC7515_A3_X "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
#define RFC7515_A3_Y "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"

static json_t *js(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	return jsonx_arena_own(tests_arena, v);
}

static char *b64(const char *s)
{
	return crypto_base64_encode(tests_arena, s, strlen(s), BASE64_URL);
}

/* A compact JWS of the given header and payload texts and signature part, unsigned. */
static char *compact(const char *header, const char *payload, const char *sig)
{
	return arena_sprintf(tests_arena, "%s.%s.%s", b64(header), b64(payload), sig);
}

static int parse(const char *token, struct jose_jws *jws)
{
	return jose_parse(tests_arena, token, strlen(token), jws);
}

static int parse_verify(const jose_key *k, const char *token)
{
	struct jose_jws jws;
	return parse(token, &jws) == 0 && jose_verify(k, &jws);
}

static jose_key *rfc8037_key(void)
{
	unsigned char der[48];
	CU_ASSERT_EQUAL_FATAL(crypto_unhex(ED25519_PKCS8_PREFIX_HEX, der, 16), 0);
	CU_ASSERT_EQUAL_FATAL(crypto_unhex(RFC8037_SEED_HEX, der + 16, 32), 0);
	jose_key *k = jose_key_from_private_der(JOSE_EDDSA, der, sizeof(der));
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	return k;
}

/* A hand-built jws of the RFC 8037 A.4 vector: its payload is not JSON, so jose_parse
 * rightly refuses the token, but jose_verify needs only alg, input and signature. */
static struct jose_jws rfc8037_jws(void)
{
	struct jose_jws jws;
	memset(&jws, 0, sizeof(jws));
	jws.alg = "EdDSA";
	jws.signing_input = arena_strdup(tests_arena, RFC8037_INPUT);
	jws.signing_input_len = strlen(RFC8037_INPUT);
	jws.signature = crypto_base64_decode(tests_arena, RFC8037_SIG, strlen(RFC8037_SIG), BASE64_URL,
					     &jws.signature_len);
	return jws;
}

static void test_alg_names(void)
{
	enum jose_alg alg;
	ASSERT_STR(jose_alg_name(JOSE_RS256), "RS256");
	ASSERT_STR(jose_alg_name(JOSE_ES256), "ES256");
	ASSERT_STR(jose_alg_name(JOSE_EDDSA), "EdDSA");
	CU_ASSERT_EQUAL(jose_alg_parse("ES256", &alg), 0);
	CU_ASSERT_EQUAL(alg, JOSE_ES256);
	CU_ASSERT_EQUAL(jose_alg_parse("EdDSA", &alg), 0);
	CU_ASSERT_EQUAL(alg, JOSE_EDDSA);
	CU_ASSERT_EQUAL(jose_alg_parse("rs256", &alg), -1);
	CU_ASSERT_EQUAL(jose_alg_parse("none", &alg), -1);
	CU_ASSERT_EQUAL(jose_alg_parse("HS256", &alg), -1);
	CU_ASSERT_EQUAL(jose_alg_parse("EdDSA ", &alg), -1);
	CU_ASSERT_EQUAL(jose_alg_parse(NULL, &alg), -1);
}

/* RFC 8037 A.3 and A.4: the kid, the public JWK, the exact signature (Ed25519 is
 * deterministic) and its verification. */
static void test_rfc8037_ed25519(void)
{
	jose_key *k = rfc8037_key();
	char kid[JOSE_KID_LEN + 1];
	CU_ASSERT_EQUAL(jose_key_alg(k), JOSE_EDDSA);
	ASSERT_STR(jose_key_kid(k), RFC8037_KID);
	CU_ASSERT_EQUAL(jose_thumbprint(js("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" RFC8037_X "\"}"), kid), 0);
	ASSERT_STR(kid, RFC8037_KID);
	/* the private d must not change the thumbprint */
	CU_ASSERT_EQUAL(jose_thumbprint(js("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":\"" RFC8037_D "\","
					   "\"x\":\"" RFC8037_X "\"}"), kid), 0);
	ASSERT_STR(kid, RFC8037_KID);

	json_t *jwk = jsonx_arena_own(tests_arena, jose_key_public_jwk(k));
	ASSERT_STR(json_string_value(json_object_get(jwk, "kty")), "OKP");
	ASSERT_STR(json_string_value(json_object_get(jwk, "crv")), "Ed25519");
	ASSERT_STR(json_string_value(json_object_get(jwk, "x")), RFC8037_X);
	ASSERT_STR(json_string_value(json_object_get(jwk, "kid")), RFC8037_KID);
	ASSERT_STR(json_string_value(json_object_get(jwk, "use")), "sig");
	ASSERT_STR(json_string_value(json_object_get(jwk, "alg")), "EdDSA");
	CU_ASSERT_PTR_NULL(json_object_get(jwk, "d"));
	CU_ASSERT_EQUAL(json_object_size(jwk), 6);

	size_t siglen = 0;
	const unsigned char *sig = jose_signature(tests_arena, k, RFC8037_INPUT, strlen(RFC8037_INPUT), &siglen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sig);
	CU_ASSERT_EQUAL(siglen, 64);
	ASSERT_STR(crypto_base64_encode(tests_arena, sig, siglen, BASE64_URL), RFC8037_SIG);

	struct jose_jws jws = rfc8037_jws();
	CU_ASSERT_EQUAL_FATAL(jws.signature_len, 64);
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 1);
	jose_key *pub = jose_key_from_jwk(jwk);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pub);
	ASSERT_STR(jose_key_kid(pub), RFC8037_KID);
	CU_ASSERT_EQUAL(jose_verify(pub, &jws), 1);
	jws.signature[10] ^= 0x01;
	CU_ASSERT_EQUAL(jose_verify(pub, &jws), 0);
	jws.signature[10] ^= 0x01;
	((char *)jws.signing_input)[3] ^= 0x01;
	CU_ASSERT_EQUAL(jose_verify(pub, &jws), 0);
	((char *)jws.signing_input)[3] ^= 0x01;
	jws.signature_len = 63;
	CU_ASSERT_EQUAL(jose_verify(pub, &jws), 0);
	jws.signature_len = 64;
	jws.alg = "Ed25519";            /* RFC 9864's name is not the one we publish */
	CU_ASSERT_EQUAL(jose_verify(pub, &jws), 0);
	jws.alg = "EdDSA";
	CU_ASSERT_EQUAL(jose_verify(pub, &jws), 1);

	struct jose_jws parsed;
	CU_ASSERT_EQUAL(parse(RFC8037_INPUT "." RFC8037_SIG, &parsed), -1);   /* the payload is not JSON */
	CU_ASSERT_PTR_NULL(jose_signature(tests_arena, pub, "x", 1, &siglen)); /* a public key cannot sign */
	jose_key_free(pub);
	jose_key_free(k);
	arena_reset(tests_arena);
}

/* RFC 7638 3.1: the thumbprint of RFC 7517's RSA key, optional members ignored. */
static void test_rfc7638_thumbprint(void)
{
	char kid[JOSE_KID_LEN + 1];
	json_t *jwk = js("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\",\"alg\":\"RS256\","
			 "\"kid\":\"2011-04-29\"}");
	CU_ASSERT_EQUAL(jose_thumbprint(jwk, kid), 0);
	ASSERT_STR(kid, RFC7638_KID);
	CU_ASSERT_EQUAL(strlen(kid), JOSE_KID_LEN);
	jose_key *k = jose_key_from_jwk(jwk);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	ASSERT_STR(jose_key_kid(k), RFC7638_KID);
	CU_ASSERT_EQUAL(jose_key_alg(k), JOSE_RS256);
	json_t *pub = jsonx_arena_own(tests_arena, jose_key_public_jwk(k));
	ASSERT_STR(json_string_value(json_object_get(pub, "n")), RFC7638_N);
	ASSERT_STR(json_string_value(json_object_get(pub, "e")), "AQAB");
	ASSERT_STR(json_string_value(json_object_get(pub, "kid")), RFC7638_KID);
	/* the published JWK keeps its members in order: kty first, kid, use and alg last */
	size_t dumped;
	ASSERT_STR(jsonx_dump(tests_arena, pub, &dumped),
		   "{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\",\"kid\":\"" RFC7638_KID "\","
		   "\"use\":\"sig\",\"alg\":\"RS256\"}");
	jose_key_free(k);

	/* unknown or incomplete key types have no thumbprint */
	CU_ASSERT_EQUAL(jose_thumbprint(js("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\"}"), kid), -1);
	CU_ASSERT_EQUAL(jose_thumbprint(js("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":65537}"), kid), -1);
	CU_ASSERT_EQUAL(jose_thumbprint(js("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC7515_A3_X "\"}"), kid), -1);
	CU_ASSERT_EQUAL(jose_thumbprint(js("{\"kty\":\"oct\",\"k\":\"AAAA\"}"), kid), -1);
	CU_ASSERT_EQUAL(jose_thumbprint(js("{\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\"}"), kid), -1);
	arena_reset(tests_arena);
}

/* RFC 7515 A.2: the published RS256 JWS verifies under its JWK; nothing else does. */
static void test_rfc7515_rs256(void)
{
	jose_key *k = jose_key_from_jwk(js("{\"kty\":\"RSA\",\"n\":\"" RFC7515_A2_N "\",\"e\":\"AQAB\"}"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	struct jose_jws jws;
	CU_ASSERT_EQUAL_FATAL(parse(RFC7515_A2_JWS, &jws), 0);
	ASSERT_STR(jws.alg, "RS256");
	CU_ASSERT_PTR_NULL(jws.kid);
	CU_ASSERT_PTR_NULL(jws.typ);
	ASSERT_STR(json_string_value(json_object_get(jws.payload, "iss")), "joe");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(jws.payload, "exp")), 1300819380);
	CU_ASSERT_EQUAL(jws.signature_len, 256);
	CU_ASSERT_EQUAL(jws.signing_input_len, strlen("eyJhbGciOiJSUzI1NiJ9." RFC7515_PAYLOAD));
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 1);
	jws.signature[255] ^= 0x80;
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 0);
	jws.signature[255] ^= 0x80;
	jws.signature_len = 255;
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 0);
	jws.signature_len = 256;
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 1);

	/* the same header and signature over other claims */
	char *forged = arena_sprintf(tests_arena, "eyJhbGciOiJSUzI1NiJ9.%s%s",
				     b64("{\"iss\":\"joe\",\"exp\":1300819380,\"http://example.com/is_root\":false}"),
				     strrchr(RFC7515_A2_JWS, '.'));
	CU_ASSERT_EQUAL(parse(forged, &jws), 0);
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 0);
	CU_ASSERT_EQUAL(parse_verify(k, RFC7515_A2_JWS), 1);
	jose_key_free(k);
	arena_reset(tests_arena);
}

/* RFC 7515 A.3: the published ES256 JWS verifies; its signature in DER does not. */
static void test_rfc7515_es256(void)
{
	jose_key *k = jose_key_from_jwk(js("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC7515_A3_X "\","
					   "\"y\":\"" RFC7515_A3_Y "\"}"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	struct jose_jws jws;
	CU_ASSERT_EQUAL_FATAL(parse(RFC7515_A3_JWS, &jws), 0);
	CU_ASSERT_EQUAL_FATAL(jws.signature_len, 64);
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 1);

	/* the same r and s as DER, the form OpenSSL itself speaks, is not a JWS signature */
	ECDSA_SIG *es = ECDSA_SIG_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	ECDSA_SIG_set0(es, BN_bin2bn(jws.signature, 32, NULL), BN_bin2bn(jws.signature + 32, 32, NULL));
	unsigned char *der = NULL;
	int derlen = i2d_ECDSA_SIG(es, &der);
	CU_ASSERT_FATAL(derlen > 64);
	struct jose_jws as_der = jws;
	as_der.signature = der;
	as_der.signature_len = (size_t)derlen;
	CU_ASSERT_EQUAL(jose_verify(k, &as_der), 0);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);

	jws.signature_len = 63;
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 0);
	jws.signature_len = 64;
	jws.signature[0] ^= 0x01;
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 0);
	jws.signature[0] ^= 0x01;
	/* r and s swapped */
	unsigned char swapped[64];
	memcpy(swapped, jws.signature + 32, 32);
	memcpy(swapped + 32, jws.signature, 32);
	struct jose_jws sw = jws;
	sw.signature = swapped;
	CU_ASSERT_EQUAL(jose_verify(k, &sw), 0);
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 1);
	jose_key_free(k);
	arena_reset(tests_arena);
}

/* A token from a generated key: exact header, signature size, verification by a key
 * rebuilt from the published JWK, and tampering. */
static void check_generated(enum jose_alg alg, size_t siglen)
{
	jose_key *k = jose_key_generate(alg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(jose_key_alg(k), alg);
	json_t *jwk = jsonx_arena_own(tests_arena, jose_key_public_jwk(k));
	char kid[JOSE_KID_LEN + 1];
	CU_ASSERT_EQUAL(jose_thumbprint(jwk, kid), 0);
	ASSERT_STR(jose_key_kid(k), kid);
	ASSERT_STR(json_string_value(json_object_get(jwk, "alg")), jose_alg_name(alg));
	CU_ASSERT_PTR_NULL(json_object_get(jwk, "d"));
	jose_key *pub = jose_key_from_jwk(jwk);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pub);
	ASSERT_STR(jose_key_kid(pub), kid);

	const char *claims = "{\"sub\":\"app-1\",\"scope\":\"read write\",\"exp\":1900000000}";
	char *t = jose_sign(tests_arena, k, "at+jwt", claims, strlen(claims));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	const char *dot1 = strchr(t, '.'), *dot2 = strrchr(t, '.');
	size_t hlen = 0;
	char *header = (char *)crypto_base64_decode(tests_arena, t, (size_t)(dot1 - t), BASE64_URL, &hlen);
	ASSERT_STR(header, arena_sprintf(tests_arena, "{\"alg\":\"%s\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}",
					 jose_alg_name(alg), kid));
	size_t n = 0;
	CU_ASSERT_PTR_NOT_NULL(crypto_base64_decode(tests_arena, dot2 + 1, strlen(dot2 + 1), BASE64_URL, &n));
	CU_ASSERT_EQUAL(n, siglen);

	struct jose_jws jws;
	CU_ASSERT_EQUAL_FATAL(parse(t, &jws), 0);
	ASSERT_STR(jws.alg, jose_alg_name(alg));
	ASSERT_STR(jws.kid, kid);
	ASSERT_STR(jws.typ, "at+jwt");
	ASSERT_STR(json_string_value(json_object_get(jws.payload, "sub")), "app-1");
	CU_ASSERT_EQUAL(jws.signature_len, siglen);
	CU_ASSERT_EQUAL(jose_verify(pub, &jws), 1);
	CU_ASSERT_EQUAL(jose_verify(k, &jws), 1);
	jws.signature[siglen / 2] ^= 0x04;
	CU_ASSERT_EQUAL(jose_verify(pub, &jws), 0);

	/* another typ gets its own header, and back again */
	char *t2 = jose_sign(tests_arena, k, "JWT", claims, strlen(claims));
	CU_ASSERT_EQUAL_FATAL(parse(t2, &jws), 0);
	ASSERT_STR(jws.typ, "JWT");
	CU_ASSERT_EQUAL(jose_verify(pub, &jws), 1);
	CU_ASSERT_EQUAL(parse_verify(pub, jose_sign(tests_arena, k, "at+jwt", claims, strlen(claims))), 1);
	/* a typ that would need JSON escaping is refused, not escaped */
	CU_ASSERT_PTR_NULL(jose_sign(tests_arena, k, "a\"b", claims, strlen(claims)));
	CU_ASSERT_PTR_NULL(jose_sign(tests_arena, k, "", claims, strlen(claims)));
	CU_ASSERT_PTR_NULL(jose_sign(tests_arena, k, NULL, claims, strlen(claims)));
	CU_ASSERT_PTR_NULL(jose_sign(tests_arena, pub, "JWT", claims, strlen(claims)));

	/* a payload changed under the signature */
	char *forged = arena_sprintf(tests_arena, "%.*s.%s.%s", (int)(dot1 - t), t,
				     b64("{\"sub\":\"app-2\",\"scope\":\"read write\",\"exp\":1900000000}"), dot2 + 1);
	CU_ASSERT_EQUAL(parse_verify(pub, forged), 0);
	CU_ASSERT_EQUAL(parse_verify(pub, t), 1);
	jose_key_free(pub);
	jose_key_free(k);
	arena_reset(tests_arena);
}

static void test_es256_generated(void)
{
	check_generated(JOSE_ES256, 64);
}

static void test_eddsa_generated(void)
{
	check_generated(JOSE_EDDSA, 64);
}

static void test_rs256_generated(void)
{
	check_generated(JOSE_RS256, 256);
	jose_key *k = jose_key_generate(JOSE_RS256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	json_t *jwk = jsonx_arena_own(tests_arena, jose_key_public_jwk(k));
	ASSERT_STR(json_string_value(json_object_get(jwk, "e")), "AQAB");
	CU_ASSERT_EQUAL(strlen(json_string_value(json_object_get(jwk, "n"))), 342);   /* 256 bytes */
	jose_key_free(k);
	arena_reset(tests_arena);
}

/* The key decides the algorithm: nothing in the token can pick another. */
static void test_alg_confusion(void)
{
	jose_key *rs = jose_key_generate(JOSE_RS256), *es = jose_key_generate(JOSE_ES256);
	jose_key *ed = rfc8037_key();
	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	const char *claims = "{\"sub\":\"x\"}";
	char *t = jose_sign(tests_arena, rs, "JWT", claims, strlen(claims));
	CU_ASSERT_EQUAL(parse_verify(rs, t), 1);
	CU_ASSERT_EQUAL(parse_verify(es, t), 0);
	CU_ASSERT_EQUAL(parse_verify(ed, t), 0);
	char *sig = strrchr(t, '.') + 1;

	/* the same signature under a header claiming another alg */
	CU_ASSERT_EQUAL(parse_verify(rs, compact("{\"alg\":\"none\"}", claims, sig)), 0);
	CU_ASSERT_EQUAL(parse_verify(rs, compact("{\"alg\":\"HS256\"}", claims, sig)), 0);
	CU_ASSERT_EQUAL(parse_verify(rs, compact("{\"alg\":\"rs256\"}", claims, sig)), 0);
	CU_ASSERT_EQUAL(parse_verify(es, compact("{\"alg\":\"none\"}", claims, sig)), 0);
	/* "none" with the empty signature it would carry does not even parse */
	CU_ASSERT_EQUAL(parse_verify(rs, compact("{\"alg\":\"none\"}", claims, "")), 0);

	/* an ES256 token offered to the RSA and Ed25519 keys */
	char *te = jose_sign(tests_arena, es, "JWT", claims, strlen(claims));
	CU_ASSERT_EQUAL(parse_verify(es, te), 1);
	CU_ASSERT_EQUAL(parse_verify(rs, te), 0);
	CU_ASSERT_EQUAL(parse_verify(ed, te), 0);
	/* and an Ed25519 signature relabelled ES256 (both are 64 bytes) */
	char *td = jose_sign(tests_arena, ed, "JWT", claims, strlen(claims));
	CU_ASSERT_EQUAL(parse_verify(ed, td), 1);
	CU_ASSERT_EQUAL(parse_verify(es, compact("{\"alg\":\"ES256\"}", claims, strrchr(td, '.') + 1)), 0);

	/* a signature that verifies is still refused when the alg beside it is not the key's */
	struct jose_jws jws;
	CU_ASSERT_EQUAL_FATAL(parse(t, &jws), 0);
	CU_ASSERT_EQUAL(jose_verify(rs, &jws), 1);
	const char *other[] = { "none", "None", "HS256", "PS256", "RS256 ", "", NULL };
	for (int i = 0; i < 7; i++) {
		jws.alg = other[i];
		CU_ASSERT_EQUAL(jose_verify(rs, &jws), 0);
	}
	CU_ASSERT_EQUAL(parse(td, &jws), 0);
	jws.alg = "none";
	CU_ASSERT_EQUAL(jose_verify(ed, &jws), 0);
	jws.alg = "EdDSA";
	CU_ASSERT_EQUAL(jose_verify(ed, &jws), 1);
	jose_key_free(rs);
	jose_key_free(es);
	jose_key_free(ed);
	arena_reset(tests_arena);
}

static void test_parse_rejects(void)
{
	struct jose_jws jws;
	const char *h = "{\"alg\":\"RS256\"}", *p = "{\"a\":1}";
	const char *good = compact(h, p, "c2ln");
	CU_ASSERT_EQUAL(parse(good, &jws), 0);
	ASSERT_STR(jws.alg, "RS256");
	CU_ASSERT_EQUAL(jws.signature_len, 3);
	CU_ASSERT_EQUAL(memcmp(jws.signature, "sig", 3), 0);

	/* shape: exactly three non-empty parts */
	CU_ASSERT_EQUAL(parse(arena_sprintf(tests_arena, "%s.%s", b64(h), b64(p)), &jws), -1);
	CU_ASSERT_EQUAL(parse(arena_sprintf(tests_arena, "%s.c2ln", good), &jws), -1);
	CU_ASSERT_EQUAL(parse(arena_sprintf(tests_arena, "%s.", good), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, p, ""), &jws), -1);
	CU_ASSERT_EQUAL(parse(arena_sprintf(tests_arena, ".%s.c2ln", b64(p)), &jws), -1);
	CU_ASSERT_EQUAL(parse(arena_sprintf(tests_arena, "%s..c2ln", b64(h)), &jws), -1);
	CU_ASSERT_EQUAL(parse("..", &jws), -1);
	CU_ASSERT_EQUAL(parse("", &jws), -1);
	CU_ASSERT_EQUAL(jose_parse(tests_arena, NULL, 0, &jws), -1);

	/* base64url without padding, in its own alphabet, each value in its one encoding */
	CU_ASSERT_EQUAL(parse(arena_sprintf(tests_arena, "%s.%s==.c2ln", b64(h), b64(p)), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, p, "c2ln="), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, p, "c2l+"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, p, "c2l/"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, p, "c2 ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, p, "c2l\xc3\xa9"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, p, "c2lnA"), &jws), -1);     /* 5 chars: no whole byte */
	CU_ASSERT_EQUAL(parse(compact(h, p, "c2k"), &jws), 0);        /* "si" */
	CU_ASSERT_EQUAL(parse(compact(h, p, "c2l"), &jws), -1);       /* "si" with stray low bits */
	CU_ASSERT_EQUAL(parse(compact(h, p, "cw"), &jws), 0);         /* "s" */
	CU_ASSERT_EQUAL(parse(compact(h, p, "cx"), &jws), -1);
	CU_ASSERT_EQUAL(jose_parse(tests_arena, good, strlen(good) + 1, &jws), -1);   /* a NUL inside */
	CU_ASSERT_EQUAL(jose_parse(tests_arena, arena_sprintf(tests_arena, "%s!!", good), strlen(good), &jws), 0);

	/* the header: a JSON object with a string alg and no crit */
	CU_ASSERT_EQUAL(parse(compact("[\"RS256\"]", p, "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact("\"RS256\"", p, "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact("{\"typ\":\"JWT\"}", p, "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact("{\"alg\":256}", p, "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact("{\"alg\":null}", p, "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact("{\"alg\":\"RS256\"", p, "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact("{\"alg\":\"RS256\",\"alg\":\"none\"}", p, "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact("{\"alg\":\"RS256\",\"crit\":[\"exp\"],\"exp\":1}", p, "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact("{\"alg\":\"RS\\u0000256\"}", p, "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact("{\"alg\":\"RS256\",\"kid\":7,\"typ\":\"JWT\"}", p, "c2ln"), &jws), 0);
	CU_ASSERT_PTR_NULL(jws.kid);
	ASSERT_STR(jws.typ, "JWT");

	/* the payload: a JSON object */
	CU_ASSERT_EQUAL(parse(compact(h, "[]", "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, "42", "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, "not json", "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, "{\"a\":1,\"a\":2}", "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, "{\"a\":1} {}", "c2ln"), &jws), -1);
	CU_ASSERT_EQUAL(parse(compact(h, "{\"a\":\"\xff\"}", "c2ln"), &jws), -1);    /* not UTF-8 */
	CU_ASSERT_EQUAL(parse(compact(h, "{}", "c2ln"), &jws), 0);
	arena_reset(tests_arena);
}

/* JOSE_MAX_TOKEN_LEN characters parse; one more does not. */
static void test_parse_length_cap(void)
{
	struct jose_jws jws;
	char *prefix = NULL;
	size_t sig = 0;
	/* a signature part of n and n + 1 'A's must both be whole bytes: n % 4 is 2 or 3 */
	for (int pad = 0; prefix == NULL || sig % 4 < 2; pad++) {
		char *claims = arena_sprintf(tests_arena, "{\"a\":\"%0*d\"}", 12000 + pad, 0);
		prefix = arena_sprintf(tests_arena, "%s.%s.", b64("{\"alg\":\"EdDSA\"}"), b64(claims));
		sig = JOSE_MAX_TOKEN_LEN - strlen(prefix);
	}
	char *t = malloc(JOSE_MAX_TOKEN_LEN + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	size_t plen = strlen(prefix);
	memcpy(t, prefix, plen);
	memset(t + plen, 'A', sig + 1);
	t[JOSE_MAX_TOKEN_LEN + 1] = '\0';
	CU_ASSERT_EQUAL(jose_parse(tests_arena, t, JOSE_MAX_TOKEN_LEN, &jws), 0);
	CU_ASSERT_EQUAL(jose_parse(tests_arena, t, JOSE_MAX_TOKEN_LEN + 1, &jws), -1);
	free(t);
	arena_reset(tests_arena);
}

/* Private DER out and back in is the same key, for each alg; other DER is refused. */
static void test_private_der_round_trip(void)
{
	for (int alg = 0; alg < JOSE_ALGS; alg++) {
		jose_key *k = jose_key_generate((enum jose_alg)alg);
		CU_ASSERT_PTR_NOT_NULL_FATAL(k);
		unsigned char *der = NULL;
		size_t len = 0;
		CU_ASSERT_EQUAL_FATAL(jose_key_private_der(tests_arena, k, &der, &len), 0);
		CU_ASSERT(len > 40);
		CU_ASSERT_EQUAL(der[0], 0x30);                  /* a DER SEQUENCE */
		jose_key *back = jose_key_from_private_der((enum jose_alg)alg, der, len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(back);
		ASSERT_STR(jose_key_kid(back), jose_key_kid(k));
		CU_ASSERT_EQUAL(jose_key_alg(back), alg);
		/* the restored key signs what the original verifies */
		char *t = jose_sign(tests_arena, back, "JWT", "{}", 2);
		CU_ASSERT_EQUAL(parse_verify(k, t), 1);
		/* the DER of one alg is not a key of another, nor with bytes after it, nor cut short */
		CU_ASSERT_PTR_NULL(jose_key_from_private_der((enum jose_alg)((alg + 1) % JOSE_ALGS), der, len));
		CU_ASSERT_PTR_NULL(jose_key_from_private_der((enum jose_alg)((alg + 2) % JOSE_ALGS), der, len));
		unsigned char *longer = arena_alloc(tests_arena, len + 1);
		memcpy(longer, der, len);
		longer[len] = 0;
		CU_ASSERT_PTR_NULL(jose_key_from_private_der((enum jose_alg)alg, longer, len + 1));
		CU_ASSERT_PTR_NULL(jose_key_from_private_der((enum jose_alg)alg, der, len - 1));
		/* a public key has no private DER */
		jose_key *pub = jose_key_from_jwk(jsonx_arena_own(tests_arena, jose_key_public_jwk(k)));
		CU_ASSERT_PTR_NOT_NULL_FATAL(pub);
		CU_ASSERT_EQUAL(jose_key_private_der(tests_arena, pub, &der, &len), -1);
		jose_key_free(pub);
		jose_key_free(back);
		jose_key_free(k);
	}
	arena_reset(tests_arena);

	/* the RFC 8037 key goes out as the same 48 bytes it came in as */
	arena_t *a = arena_create(4096);
	jose_key *ed = rfc8037_key();
	unsigned char *der = NULL, expect[48];
	size_t len = 0;
	crypto_unhex(ED25519_PKCS8_PREFIX_HEX, expect, 16);
	crypto_unhex(RFC8037_SEED_HEX, expect + 16, 32);
	CU_ASSERT_EQUAL_FATAL(jose_key_private_der(a, ed, &der, &len), 0);
	CU_ASSERT_EQUAL_FATAL(len, 48);
	CU_ASSERT_EQUAL(memcmp(der, expect, 48), 0);
	jose_key_free(ed);
	/* the arena wipes the private DER when it resets (its first block stays allocated; under
	 * AddressSanitizer the reset also poisons it, so the look at it is declared) */
	arena_reset(a);
	ASAN_UNPOISON_MEMORY_REGION(der, len);
	int zero = 1;
	for (size_t i = 0; i < len; i++)
		zero &= der[i] == 0;
	CU_ASSERT(zero);
	arena_destroy(a);
	CU_ASSERT_PTR_NULL(jose_key_from_private_der(JOSE_EDDSA, expect, 0));
	CU_ASSERT_PTR_NULL(jose_key_from_private_der(JOSE_EDDSA, NULL, 48));
	CU_ASSERT_PTR_NULL(jose_key_from_private_der(JOSE_EDDSA, (const unsigned char *)"garbage", 7));
}

/* Public JWKs that name another curve, another alg, or no key at all are refused. */
static void test_jwk_rejects(void)
{
	const char *ec = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC7515_A3_X "\",\"y\":\"%s\"%s}";
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(NULL));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js("{}")));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js("{\"kty\":\"oct\",\"k\":\"AAAA\"}")));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js(arena_sprintf(tests_arena, ec, RFC7515_A3_Y, ",\"alg\":\"RS256\""))));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js(arena_sprintf(tests_arena, ec, RFC7515_A3_Y, ",\"use\":\"enc\""))));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js(arena_sprintf(tests_arena, ec, RFC7515_A3_Y, ",\"alg\":7"))));
	/* the point off the curve; y in a second, non-canonical spelling (unused bits set) */
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js(arena_sprintf(tests_arena, ec,
							       "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5b0", ""))));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js(arena_sprintf(tests_arena, ec,
							       "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1", ""))));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js(arena_sprintf(tests_arena, ec,      /* 31 bytes */
							       "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5Q", ""))));
	jose_key *ok = jose_key_from_jwk(js(arena_sprintf(tests_arena, ec, RFC7515_A3_Y,
							  ",\"alg\":\"ES256\",\"use\":\"sig\",\"kid\":\"x\"")));
	CU_ASSERT_PTR_NOT_NULL(ok);
	jose_key_free(ok);
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js("{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"" RFC7515_A3_X "\","
						"\"y\":\"" RFC7515_A3_Y "\"}")));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js("{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" RFC8037_X "\"}")));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS\"}")));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" RFC8037_X "=\"}")));
	/* RSA: too short, a leading zero, no exponent */
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}")));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js("{\"kty\":\"RSA\",\"n\":\"AA" RFC7638_N "\",\"e\":\"AQAB\"}")));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\"}")));
	CU_ASSERT_PTR_NULL(jose_key_from_jwk(js("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\","
						"\"alg\":\"ES256\"}")));
	arena_reset(tests_arena);
}

void suite_jose(void)
{
	static const struct test_case cases[] = {
		{ "alg names, exactly", test_alg_names },
		{ "RFC 8037 A.3/A.4: Ed25519 kid, exact signature, verification", test_rfc8037_ed25519 },
		{ "RFC 7638 3.1: RSA thumbprint", test_rfc7638_thumbprint },
		{ "RFC 7515 A.2: RS256 verifies", test_rfc7515_rs256 },
		{ "RFC 7515 A.3: ES256 verifies, DER and wrong lengths do not", test_rfc7515_es256 },
		{ "ES256: sign, 64-byte r||s, verify with the published JWK", test_es256_generated },
		{ "EdDSA: sign, verify with the published JWK", test_eddsa_generated },
		{ "RS256: sign, verify, kid is the thumbprint", test_rs256_generated },
		{ "alg confusion and none", test_alg_confusion },
		{ "jose_parse refuses malformed tokens", test_parse_rejects },
		{ "jose_parse length cap", test_parse_length_cap },
		{ "private DER round trip", test_private_der_round_trip },
		{ "jose_key_from_jwk refuses other keys", test_jwk_rejects },
		{ NULL, NULL },
	};
	tests_add_suite("jose", tests_arena_init, tests_arena_cleanup, cases);
}

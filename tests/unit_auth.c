/* Credential and token parsing, the scope vocabulary, and the crypto helpers under them. */
#include <string.h>

#include "core/access.h"
#include "core/arena.h"
#include "core/crypto.h"
#include "http/credentials.h"
#include "http/request.h"
#include "suites.h"


static int creds(const char *authorization, const char *bid, const char *bsecret,
		 const char **id, const char **secret)
{
	struct request r;
	http_request_init(&r, tests_arena, NULL);
	r.authorization = authorization;
	*id = *secret = NULL;
	return http_client_credentials(&r, bid, bsecret, 0, id, secret) == HTTP_CLIENT_AUTH_NONE ? -1 : 0;
}

static void test_client_credentials(void)
{
	const char *id, *secret;
	/* Basic base64("abc:s3cr:et") -- the secret may contain ':' */
	CU_ASSERT_EQUAL(creds("Basic YWJjOnMzY3I6ZXQ=", NULL, NULL, &id, &secret), 0);
	ASSERT_STR(id, "abc");
	ASSERT_STR(secret, "s3cr:et");
	CU_ASSERT_EQUAL(creds("basic YWJjOnMzY3I6ZXQ", NULL, NULL, &id, &secret), 0);   /* no padding */
	CU_ASSERT_EQUAL(creds("client_id:abc, client_secret:xyz", NULL, NULL, &id, &secret), 0);
	ASSERT_STR(id, "abc");
	ASSERT_STR(secret, "xyz");
	CU_ASSERT_EQUAL(creds("client_id: abc ,client_secret: xyz", NULL, NULL, &id, &secret), 0);
	ASSERT_STR(id, "abc");
	ASSERT_STR(secret, "xyz");
	CU_ASSERT_EQUAL(creds(NULL, "abc", "xyz", &id, &secret), 0);
	ASSERT_STR(secret, "xyz");
	/* refusals */
	CU_ASSERT_EQUAL(creds("Basic !!!", NULL, NULL, &id, &secret), -1);
	CU_ASSERT_EQUAL(creds("Basic YWJj", NULL, NULL, &id, &secret), -1);          /* "abc": no colon */
	CU_ASSERT_EQUAL(creds("Basic OnNlY3JldA==", NULL, NULL, &id, &secret), -1);  /* ":secret" */
	CU_ASSERT_EQUAL(creds("Basic YWJjOg==", NULL, NULL, &id, &secret), -1);      /* "abc:" */
	CU_ASSERT_EQUAL(creds("Basic YQBiOmM=", NULL, NULL, &id, &secret), -1);      /* NUL inside */
	CU_ASSERT_EQUAL(creds("Basic /2E6Yg==", NULL, NULL, &id, &secret), -1);      /* "\xffa:b": not UTF-8 */
	CU_ASSERT_EQUAL(creds("client_id:abc", NULL, NULL, &id, &secret), -1);
	CU_ASSERT_EQUAL(creds(NULL, "abc", NULL, &id, &secret), -1);
	CU_ASSERT_EQUAL(creds(NULL, "", "x", &id, &secret), -1);
	CU_ASSERT_EQUAL(creds(NULL, NULL, NULL, &id, &secret), -1);
	arena_reset(tests_arena);
}

/* RFC 6749 2.3.1: Basic credentials of OAuth clients are form-encoded before base64. */
static void test_basic_form_encoded(void)
{
	struct request r;
	const char *id, *secret;
	http_request_init(&r, tests_arena, NULL);
	r.authorization = "Basic YSUyQmI6YyUzQWQ=";     /* "a%2Bb:c%3Ad" */
	CU_ASSERT_EQUAL(http_client_credentials(&r, NULL, NULL, 1, &id, &secret), HTTP_CLIENT_AUTH_BASIC);
	ASSERT_STR(id, "a+b");
	ASSERT_STR(secret, "c:d");
	CU_ASSERT_EQUAL(http_client_credentials(&r, NULL, NULL, 0, &id, &secret), HTTP_CLIENT_AUTH_BASIC);
	ASSERT_STR(id, "a%2Bb");
	arena_reset(tests_arena);
}

static void test_bearer(void)
{
	struct request r;
	const char *tok = "5bc4aa8e86cb9108f4065ecf935e922c4e273dd29c09d415b4a8841daf603095";
	char hdr[128];
	http_request_init(&r, tests_arena, NULL);
	snprintf(hdr, sizeof(hdr), "bearer %s", tok);
	r.authorization = hdr;
	ASSERT_STR(http_bearer_token(&r), tok);
	snprintf(hdr, sizeof(hdr), "Bearer   %s", tok);
	ASSERT_STR(http_bearer_token(&r), tok);

	static const char *const bad[] = { NULL, "", "Bearer", "Bearer ", "Basic abc",
		"Bearer 5BC4AA8E86CB9108F4065ECF935E922C4E273DD29C09D415B4A8841DAF603095",
		"Bearer 5bc4aa8e86cb9108f4065ecf935e922c4e273dd29c09d415b4a8841daf60309",
		"Bearer 5bc4aa8e86cb9108f4065ecf935e922c4e273dd29c09d415b4a8841daf6030955" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		http_request_init(&r, tests_arena, NULL);
		r.authorization = bad[i];
		CU_ASSERT_PTR_NULL(http_bearer_token(&r));
	}
	arena_reset(tests_arena);
}

static void test_scope_vocabulary(void)
{
	const char *const *read = access_credential_scopes(ACCESS_READ);
	CU_ASSERT_EQUAL(access_count(read), 2);
	ASSERT_STR(read[0], "Read All");
	ASSERT_STR(read[1], "Manage All");
	CU_ASSERT_EQUAL(access_count(access_credential_scopes(ACCESS_MANAGE)), 1);
	ASSERT_STR(access_credential_scopes(ACCESS_MANAGE)[0], "Manage All");
	ASSERT_STR(access_credential_scopes(ACCESS_VENAFI_ADMIN)[0], "Manage All");
	CU_ASSERT_PTR_NULL(access_grant_scopes(ACCESS_MANAGE));
	ASSERT_STR(access_grant_scopes(ACCESS_VENAFI_ADMIN)[0], "admin");
	CU_ASSERT_EQUAL(access_count(access_credential_scopes(ACCESS_PUBLIC)), 0);
	CU_ASSERT(access_scope_known("Manage All"));
	CU_ASSERT(!access_scope_known("manage all"));
	CU_ASSERT(!access_scope_known("Everything"));
}

static void test_crypto(void)
{
	/* SHA-256("abc") */
	unsigned char h[CRYPTO_SHA256_LEN];
	crypto_sha256_str("abc", h);
	ASSERT_STR(crypto_hex(tests_arena, h, sizeof(h)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	char *r1 = crypto_random_hex(tests_arena, 32), *r2 = crypto_random_hex(tests_arena, 32);
	CU_ASSERT_EQUAL(strlen(r1), 64);
	CU_ASSERT(strcmp(r1, r2) != 0);
	unsigned char b[4];
	CU_ASSERT_EQUAL(crypto_unhex("00ff10Ab", b, 4), 0);
	CU_ASSERT_EQUAL(b[1], 0xff);
	CU_ASSERT_EQUAL(b[3], 0xab);
	CU_ASSERT_EQUAL(crypto_unhex("00ff10A", b, 4), -1);
	CU_ASSERT_EQUAL(crypto_unhex("00ff10Ag", b, 4), -1);
	CU_ASSERT(crypto_equal("abcd", "abcd", 4));
	CU_ASSERT(!crypto_equal("abcd", "abce", 4));
	size_t n;
	ASSERT_STR((char *)crypto_base64_decode(tests_arena, "aGVsbG8gd29ybGQ=", 16, BASE64_STD, &n), "hello world");
	CU_ASSERT_EQUAL(n, 11);
	CU_ASSERT_PTR_NULL(crypto_base64_decode(tests_arena, "a", 1, BASE64_STD, &n));
	arena_reset(tests_arena);
}

/* RFC 4648 section 10 vectors, in both alphabets, and the characters that tell them apart. */
static void test_base64_vectors(void)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const std[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	static const char *const url[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };
	size_t n;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		ASSERT_STR(crypto_base64_encode(tests_arena, plain[i], strlen(plain[i]), BASE64_STD), std[i]);
		ASSERT_STR(crypto_base64_encode(tests_arena, plain[i], strlen(plain[i]), BASE64_URL), url[i]);
		ASSERT_STR((char *)crypto_base64_decode(tests_arena, url[i], strlen(url[i]), BASE64_URL, &n), plain[i]);
		CU_ASSERT_EQUAL(n, strlen(plain[i]));
	}
	static const unsigned char odd[] = { 0xfb, 0xff, 0xbf };
	ASSERT_STR(crypto_base64_encode(tests_arena, odd, 3, BASE64_STD), "+/+/");
	ASSERT_STR(crypto_base64_encode(tests_arena, odd, 3, BASE64_URL), "-_-_");
	CU_ASSERT_PTR_NULL(crypto_base64_decode(tests_arena, "+/+/", 4, BASE64_URL, &n));
	CU_ASSERT_PTR_NULL(crypto_base64_decode(tests_arena, "-_-_", 4, BASE64_STD, &n));
	const unsigned char *d = crypto_base64_decode(tests_arena, "-_-_", 4, BASE64_URL, &n);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT(d != NULL && memcmp(d, odd, 3) == 0);
	arena_reset(tests_arena);
}

void suite_auth_parsing(void)
{
	static const struct test_case cases[] = {
		{ "client credentials: Basic, OneLogin header, body", test_client_credentials },
		{ "client credentials: Basic form-encoded for OAuth clients", test_basic_form_encoded },
		{ "bearer tokens", test_bearer },
		{ "the scope vocabulary and what each access needs", test_scope_vocabulary },
		{ "hashing, randomness, hex and base64", test_crypto },
		{ "base64 and base64url: RFC 4648 vectors", test_base64_vectors },
		{ NULL, NULL },
	};
	tests_add_suite("auth parsing", tests_arena_init, tests_arena_cleanup, cases);
}

/* Credential and token parsing, scope sets, and the crypto helpers under them. */
#include <string.h>

#include "arena.h"
#include "auth/auth.h"
#include "auth/credential.h"
#include "auth/crypto.h"
#include "http/request.h"
#include "suites.h"

static arena_t *arena;

static int init(void)
{
	arena = arena_create(0);
	return 0;
}

static int cleanup(void)
{
	arena_destroy(arena);
	return 0;
}

static int creds(const char *authorization, const char *bid, const char *bsecret,
		 const char **id, const char **secret)
{
	struct request r;
	http_request_init(&r, arena, NULL);
	r.authorization = authorization;
	*id = *secret = NULL;
	return auth_client_credentials(&r, bid, bsecret, id, secret);
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
	CU_ASSERT_EQUAL(creds("client_id:abc", NULL, NULL, &id, &secret), -1);
	CU_ASSERT_EQUAL(creds(NULL, "abc", NULL, &id, &secret), -1);
	CU_ASSERT_EQUAL(creds(NULL, "", "x", &id, &secret), -1);
	CU_ASSERT_EQUAL(creds(NULL, NULL, NULL, &id, &secret), -1);
	arena_reset(arena);
}

static void test_bearer(void)
{
	struct request r;
	const char *tok = "5bc4aa8e86cb9108f4065ecf935e922c4e273dd29c09d415b4a8841daf603095";
	char hdr[128];
	http_request_init(&r, arena, NULL);
	snprintf(hdr, sizeof(hdr), "bearer %s", tok);
	r.authorization = hdr;
	CU_ASSERT_EQUAL(auth_bearer(&r, "Read All"), ST_OK);
	ASSERT_STR(r.auth.scopes, "{\"Read All\",\"Manage All\"}");
	CU_ASSERT_EQUAL(strlen(r.auth.token_hash), 66);
	CU_ASSERT_EQUAL(strncmp(r.auth.token_hash, "\\x", 2), 0);
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	CU_ASSERT_EQUAL(auth_bearer(&r, "Manage All"), ST_OK);
	ASSERT_STR(r.auth.scopes, "{\"Manage All\"}");

	static const char *const bad[] = { NULL, "", "Bearer", "Bearer ", "Basic abc",
		"Bearer 5BC4AA8E86CB9108F4065ECF935E922C4E273DD29C09D415B4A8841DAF603095",
		"Bearer 5bc4aa8e86cb9108f4065ecf935e922c4e273dd29c09d415b4a8841daf60309",
		"Bearer 5bc4aa8e86cb9108f4065ecf935e922c4e273dd29c09d415b4a8841daf6030955" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		http_request_init(&r, arena, NULL);
		r.authorization = bad[i];
		CU_ASSERT_EQUAL(auth_bearer(&r, "Read All"), ST_UNAUTHORIZED);
	}
	CU_ASSERT_PTR_NULL(auth_scope_set("Everything"));
	arena_reset(arena);
}

static void test_crypto(void)
{
	/* SHA-256("abc") */
	ASSERT_STR(crypto_sha256_bytea(arena, "abc"),
		   "\\xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	char *r1 = crypto_random_hex(arena, 32), *r2 = crypto_random_hex(arena, 32);
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
	ASSERT_STR(crypto_base64_decode(arena, "aGVsbG8gd29ybGQ=", &n), "hello world");
	CU_ASSERT_EQUAL(n, 11);
	CU_ASSERT_PTR_NULL(crypto_base64_decode(arena, "a", &n));
	CU_ASSERT(credential_scope_known("Manage All"));
	CU_ASSERT(!credential_scope_known("manage all"));
	arena_reset(arena);
}

void suite_auth_parsing(void)
{
	static const struct test_case cases[] = {
		{ "client credentials: Basic, OneLogin header, body", test_client_credentials },
		{ "bearer tokens and scope sets", test_bearer },
		{ "hashing, randomness, hex and base64", test_crypto },
		{ NULL, NULL },
	};
	tests_add_suite("auth parsing", init, cleanup, cases);
}

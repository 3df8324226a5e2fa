/* Azure mapping without a database: $filter parsing, ETags and If-Match, the secret box
 * (sealing, key rotation, binding to its place), and the OAuth server rules. */
#include <string.h>

#include "arena.h"
#include "auth/secretbox.h"
#include "db/db_azure.h"
#include "dialect/azure.h"
#include "model/server.h"
#include "suites.h"

static arena_t *arena;

static int init(void)
{
	arena = arena_create(0);
	return 0;
}

static int cleanup(void)
{
	secretbox_clear();
	arena_destroy(arena);
	return 0;
}

static void test_filter(void)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "name eq 'a'", "{\"name\":{\"eq\":[\"a\"]}}" },
		{ "displayName ne 'x y'", "{\"displayName\":{\"ne\":[\"x y\"]}}" },
		{ "properties/displayName gt 'b'", "{\"displayName\":{\"gt\":[\"b\"]}}" },
		{ "name ge 'a' and name le 'm'", "{\"name\":{\"ge\":[\"a\"],\"le\":[\"m\"]}}" },
		{ "substringof('ab', name)", "{\"name\":{\"contains\":[\"ab\"]}}" },
		{ "contains(displayName,'q') and startswith(name, 'p')",
		  "{\"displayName\":{\"contains\":[\"q\"]},\"name\":{\"startswith\":[\"p\"]}}" },
		{ "endswith(name,'z') eq true", "{\"name\":{\"endswith\":[\"z\"]}}" },
		{ "(name eq 'it''s')", "{\"name\":{\"eq\":[\"it's\"]}}" },
		{ "NAME EQ 'a' AND name LT 'b'", "{\"name\":{\"eq\":[\"a\"],\"lt\":[\"b\"]}}" },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const char *err = NULL;
		ASSERT_STR(azure_filter_parse(arena, ok[i].in, &err), ok[i].out);
	}
	static const char *const bad[] = { "", "name", "name eq", "name eq a", "name eq 'a", "clientId eq 'a'",
		"name eq 'a' or name eq 'b'", "not name eq 'a'", "contains(name)", "contains('a', name)",
		"startswith(name,'a') eq false", "name eq 'a' and", "(name eq 'a'", "name eq 'a' extra" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *err = NULL;
		CU_ASSERT_PTR_NULL(azure_filter_parse(arena, bad[i], &err));
		CU_ASSERT_PTR_NOT_NULL(err);
	}
	arena_reset(arena);
}

static void test_etags(void)
{
	ASSERT_STR(azure_etag(arena, 1), "\"AAAAAAAAAAE=\"");
	ASSERT_STR(azure_etag(arena, 258), "\"AAAAAAAAAQI=\"");
	for (int v = 1; v < 100000; v += 997) {
		const char *e = azure_etag(arena, v);
		CU_ASSERT_EQUAL(azure_if_match(e), v);
	}
	CU_ASSERT_EQUAL(azure_if_match("W/\"AAAAAAAAAAE=\""), 1);
	CU_ASSERT_EQUAL(azure_if_match("AAAAAAAAAAE="), 1);
	CU_ASSERT_EQUAL(azure_if_match("\"AAAAAAAAAAE=\", \"AAAAAAAAAAI=\""), 1);
	CU_ASSERT_EQUAL(azure_if_match("*"), DB_AZURE_ANY_VERSION);
	CU_ASSERT_EQUAL(azure_if_match(NULL), DB_AZURE_NO_PRECONDITION);
	CU_ASSERT_EQUAL(azure_if_match(""), DB_AZURE_NO_PRECONDITION);
	CU_ASSERT_EQUAL(azure_if_match("\"nonsense\""), -3);
	CU_ASSERT_EQUAL(azure_if_match("\"AAAAAAAAAAA=\""), -3);      /* version 0 never exists */
	CU_ASSERT_EQUAL(azure_if_match("\"!!!!!!!!!!!=\""), -3);
	arena_reset(arena);
}

static void test_secretbox(void)
{
	unsigned char k1[32], k2[32];
	memset(k1, 0x11, sizeof(k1));
	memset(k2, 0x22, sizeof(k2));
	const char *id1, *id2;
	secretbox_clear();
	CU_ASSERT_FALSE(secretbox_ready());
	CU_ASSERT_PTR_NULL(secretbox_seal(arena, "x", "aad", &id1));
	CU_ASSERT_EQUAL(secretbox_add_key(k1), 0);
	char *c1 = secretbox_seal(arena, "top secret", "a/b/c/d/client_secret", &id1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c1);
	CU_ASSERT_EQUAL(strlen(id1), 16);
	CU_ASSERT_PTR_NULL(strstr(c1, "top secret"));
	char *c1b = secretbox_seal(arena, "top secret", "a/b/c/d/client_secret", &id1);
	CU_ASSERT(strcmp(c1, c1b) != 0);                 /* fresh nonce every time */
	ASSERT_STR(secretbox_open(arena, c1, id1, "a/b/c/d/client_secret"), "top secret");
	/* bound to its place: another aad, a flipped bit, an unknown key all fail */
	CU_ASSERT_PTR_NULL(secretbox_open(arena, c1, id1, "a/b/c/d/resource_owner_password"));
	char *flipped = arena_strdup(arena, c1);
	flipped[10] = flipped[10] == '0' ? '1' : '0';
	CU_ASSERT_PTR_NULL(secretbox_open(arena, flipped, id1, "a/b/c/d/client_secret"));
	CU_ASSERT_PTR_NULL(secretbox_open(arena, c1, "0000000000000000", "a/b/c/d/client_secret"));
	CU_ASSERT_PTR_NULL(secretbox_open(arena, "\\x00", id1, "a"));
	CU_ASSERT_PTR_NULL(secretbox_open(arena, "00", id1, "a"));

	/* rotation: the new key seals, the old one still opens what it sealed */
	secretbox_clear();
	CU_ASSERT_EQUAL(secretbox_add_key(k2), 0);
	CU_ASSERT_EQUAL(secretbox_add_key(k1), 0);
	char *c2 = secretbox_seal(arena, "", "aad", &id2);
	CU_ASSERT(strcmp(id1, id2) != 0);
	ASSERT_STR(secretbox_open(arena, c2, id2, "aad"), "");
	ASSERT_STR(secretbox_open(arena, c1, id1, "a/b/c/d/client_secret"), "top secret");
	secretbox_clear();
	arena_reset(arena);
}

static void test_secretbox_file(void)
{
	char err[256];
	FILE *f = fopen("/tmp/authzd-unit.key", "w");
	fputs("# current\n1111111111111111111111111111111111111111111111111111111111111111\n"
	      "2222222222222222222222222222222222222222222222222222222222222222\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(secretbox_load("/tmp/authzd-unit.key", err, sizeof(err)), 0);
	CU_ASSERT(secretbox_ready());
	f = fopen("/tmp/authzd-unit.key", "w");
	fputs("not-a-key\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(secretbox_load("/tmp/authzd-unit.key", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: expected a key of 64 hex digits"));
	CU_ASSERT_FALSE(secretbox_ready());
	CU_ASSERT_EQUAL(secretbox_load("/nonexistent", err, sizeof(err)), -1);
	remove("/tmp/authzd-unit.key");
}

static void test_oauth_rules(void)
{
	static const char *grants[] = { "implicit" }, *methods[] = { "GET", "POST" };
	struct server s;
	struct app_error e;
	server_init(&s);
	s.name = "d";
	s.client_registration_endpoint = "https://c/r";
	s.authorization_endpoint = "http://c/a";
	s.client_id = "c";
	s.grant_types = (struct strlist){ grants, 1 };
	s.authorization_methods = (struct strlist){ methods, 2 };
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(server_validate_oauth(&s, &e), ST_OK);
	CU_ASSERT_EQUAL(e.ndetails, 0);
	CU_ASSERT(model_is_resource_name("a.b-c_d e"));
	CU_ASSERT(!model_is_resource_name("a#b"));
	CU_ASSERT(!model_is_resource_name(""));
	char long_name[90];
	memset(long_name, 'n', 81);
	long_name[81] = '\0';
	CU_ASSERT(!model_is_resource_name(long_name));
	long_name[80] = '\0';
	CU_ASSERT(model_is_resource_name(long_name));
}

void suite_azure_mapping(void)
{
	static const struct test_case cases[] = {
		{ "$filter grammar", test_filter },
		{ "ETags and If-Match", test_etags },
		{ "secret box: seal, open, bind, rotate", test_secretbox },
		{ "secret box: key file", test_secretbox_file },
		{ "OAuth server rules and names", test_oauth_rules },
		{ NULL, NULL },
	};
	tests_add_suite("azure mapping", init, cleanup, cases);
}

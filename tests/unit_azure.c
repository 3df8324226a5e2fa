/* Azure mapping without a database: $filter parsing, ETags and If-Match, the secret box
 * (sealing, key rotation, binding to its place), and the OAuth server rules. */
#include <string.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/jsonx.h"
#include "core/secretbox.h"
#include "db/db_azure.h"
#include "dialect/azure.h"
#include "model/server.h"
#include "suites.h"

static int cleanup(void)
{
	secretbox_clear();
	return tests_arena_cleanup();
}

/* A parsed filter as {"field":{"op":[values]}}, the shape these cases are written in. */
static const char *parsed(const char *in, const char **err)
{
	static const char *const ops[] = { "eq", "ne", "gt", "lt", "ge", "le", "contains", "startswith", "endswith" };
	struct azure_filter f;
	if (azure_filter_parse(tests_arena, in, &f, err) != 0)
		return NULL;
	json_t *root = jsonx_arena_own(tests_arena, json_object());
	for (size_t i = 0; i < f.n; i++) {
		const char *field = f.clauses[i].field == AZURE_FILTER_NAME ? "name" : "displayName";
		json_t *o = json_object_get(root, field);
		if (o == NULL)
			json_object_set_new(root, field, o = json_object());
		json_t *arr = json_object_get(o, ops[f.clauses[i].op]);
		if (arr == NULL)
			json_object_set_new(o, ops[f.clauses[i].op], arr = json_array());
		json_array_append_new(arr, json_string(f.clauses[i].value));
	}
	size_t len;
	return jsonx_dump(tests_arena, root, &len);
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
		ASSERT_STR(parsed(ok[i].in, &err), ok[i].out);
	}
	static const char *const bad[] = { "", "name", "name eq", "name eq a", "name eq 'a", "clientId eq 'a'",
		"name eq 'a' or name eq 'b'", "not name eq 'a'", "contains(name)", "contains('a', name)",
		"startswith(name,'a') eq false", "name eq 'a' and", "(name eq 'a'", "name eq 'a' extra",
		"((((((((((name eq 'a'))))))))))" /* nesting has a bound */ };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *err = NULL;
		CU_ASSERT_PTR_NULL(parsed(bad[i], &err));
		CU_ASSERT_PTR_NOT_NULL(err);
	}
	arena_reset(tests_arena);
}

static void test_etags(void)
{
	ASSERT_STR(azure_etag(tests_arena, 1), "\"AAAAAAAAAAE=\"");
	ASSERT_STR(azure_etag(tests_arena, 258), "\"AAAAAAAAAQI=\"");
	for (int v = 1; v < 100000; v += 997) {
		const char *e = azure_etag(tests_arena, v);
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
	arena_reset(tests_arena);
}

static const char *opened(const struct sealed *box, const char *aad)
{
	return secretbox_open(tests_arena, box, aad, NULL);
}

static void test_secretbox(void)
{
	unsigned char k1[32], k2[32];
	memset(k1, 0x11, sizeof(k1));
	memset(k2, 0x22, sizeof(k2));
	struct sealed c1, c1b, c2, bad;
	secretbox_clear();
	CU_ASSERT_FALSE(secretbox_ready());
	CU_ASSERT_EQUAL(secretbox_seal(tests_arena, "x", 1, "aad", &c1), -1);
	CU_ASSERT_EQUAL(secretbox_add_key(k1), 0);
	CU_ASSERT_EQUAL_FATAL(secretbox_seal(tests_arena, "top secret", 10, "a/b/c/d/client_secret", &c1), 0);
	CU_ASSERT_EQUAL(strlen(c1.key_id), 16);
	CU_ASSERT_EQUAL(c1.len, 12 + 10 + 16);
	CU_ASSERT_PTR_NULL(memmem(c1.bytes, c1.len, "top secret", 10));
	CU_ASSERT_EQUAL(secretbox_seal(tests_arena, "top secret", 10, "a/b/c/d/client_secret", &c1b), 0);
	CU_ASSERT(memcmp(c1.bytes, c1b.bytes, c1.len) != 0);          /* fresh nonce every time */
	ASSERT_STR(opened(&c1, "a/b/c/d/client_secret"), "top secret");
	/* bound to its place: another aad, a flipped bit, an unknown key all fail */
	CU_ASSERT_PTR_NULL(opened(&c1, "a/b/c/d/resource_owner_password"));
	unsigned char *flipped = arena_alloc(tests_arena, c1.len);
	memcpy(flipped, c1.bytes, c1.len);
	flipped[14] ^= 1;
	bad = (struct sealed){ flipped, c1.len, c1.key_id };
	CU_ASSERT_PTR_NULL(opened(&bad, "a/b/c/d/client_secret"));
	bad = (struct sealed){ c1.bytes, c1.len, "0000000000000000" };
	CU_ASSERT_PTR_NULL(opened(&bad, "a/b/c/d/client_secret"));
	bad = (struct sealed){ c1.bytes, 27, c1.key_id };
	CU_ASSERT_PTR_NULL(opened(&bad, "a"));
	bad = (struct sealed){ NULL, 0, c1.key_id };
	CU_ASSERT_PTR_NULL(opened(&bad, "a"));

	/* rotation: the new key seals, the old one still opens what it sealed */
	secretbox_clear();
	CU_ASSERT_EQUAL(secretbox_add_key(k2), 0);
	CU_ASSERT_EQUAL(secretbox_add_key(k1), 0);
	CU_ASSERT_EQUAL(secretbox_seal(tests_arena, "", 0, "aad", &c2), 0);
	CU_ASSERT(strcmp(c1.key_id, c2.key_id) != 0);
	ASSERT_STR(opened(&c2, "aad"), "");
	ASSERT_STR(opened(&c1, "a/b/c/d/client_secret"), "top secret");
	secretbox_clear();
	arena_reset(tests_arena);
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
	/* a broken file (a reload meets it) leaves the keys that were loaded in place */
	struct sealed c;
	CU_ASSERT(secretbox_ready());
	CU_ASSERT_EQUAL(secretbox_seal(tests_arena, "kept", 4, "aad", &c), 0);
	ASSERT_STR(c.key_id, "02d449a31fbb267c");
	ASSERT_STR(opened(&c, "aad"), "kept");
	CU_ASSERT_EQUAL(secretbox_load("/nonexistent", err, sizeof(err)), -1);
	CU_ASSERT(secretbox_ready());
	secretbox_clear();
	CU_ASSERT_FALSE(secretbox_ready());
	arena_reset(tests_arena);
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
	CU_ASSERT_EQUAL(server_validate(&s, SERVER_OAUTH_CLIENT, &e), ST_OK);
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
	tests_add_suite("azure mapping", tests_arena_init, cleanup, cases);
}

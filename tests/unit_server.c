/* Authorization-server rules, field by field, and that every failure is reported. */
#include <string.h>

#include "core/arena.h"
#include "dialect/onelogin.h"
#include "model/resource.h"
#include "model/server.h"
#include "suites.h"

static const char *aud1[] = { "https://example.com/contacts" };

static void valid(struct server *s)
{
	server_init(s);
	s->name = "Contacts API";
	s->description = "This is an api";
	s->resource_identifier = "https://example.com/contacts";
	s->audiences = aud1;
	s->naudiences = 1;
}

static char *details(struct app_error *e);

/* Validates s and returns the details as "field message; field message" (in OneLogin's
 * words: the model reports rule codes, a dialect words them). */
static char *check(const struct server *s, status_t *st)
{
	struct app_error e;
	memset(&e, 0, sizeof(e));
	*st = server_validate(s, SERVER_API, &e);
	return details(&e);
}

static void test_valid_and_defaults(void)
{
	struct server s;
	status_t st;
	valid(&s);
	CU_ASSERT_EQUAL(s.access_ttl_minutes, 10);
	CU_ASSERT_EQUAL(s.refresh_ttl_minutes, 30);
	ASSERT_STR(check(&s, &st), "");
	CU_ASSERT_EQUAL(st, ST_OK);
	s.description = NULL;
	check(&s, &st);
	CU_ASSERT_EQUAL(st, ST_OK);
}

static void test_every_failure_reported(void)
{
	struct server s;
	status_t st;
	server_init(&s);
	s.name = " ";
	ASSERT_STR(check(&s, &st),
		   "name can't be blank; resource_identifier can't be blank; audiences can't be blank");
	CU_ASSERT_EQUAL(st, ST_INVALID);
}

static void test_name_and_description(void)
{
	struct server s;
	status_t st;
	char long_name[300];
	memset(long_name, 'n', 256);
	long_name[256] = '\0';
	valid(&s);
	s.name = long_name;
	ASSERT_STR(check(&s, &st), "name is too long (maximum is 255 characters)");
	long_name[255] = '\0';
	ASSERT_STR(check(&s, &st), "");
	/* 255 two-byte characters are 255 characters, not 510 */
	char utf8[600] = "";
	for (int i = 0; i < 255; i++)
		strcat(utf8, "\xc3\xa9");
	s.name = utf8;
	ASSERT_STR(check(&s, &st), "");
	static char desc[2100];
	memset(desc, 'd', 2001);
	desc[2001] = '\0';
	valid(&s);
	s.description = desc;
	ASSERT_STR(check(&s, &st), "description is too long (maximum is 2000 characters)");
}

static void test_resource_identifier(void)
{
	static const char *const good[] = { "https://example.com/contacts", "http://localhost:8080",
					     "urn:example:api", "api://contacts", NULL };
	static const char *const bad[] = { "contacts", "https:example.com", "https:///x",
					   "https://exa mple.com", "http://", "1http://x", ":x",
					   "https://a/<b>", NULL };
	struct server s;
	status_t st;
	for (int i = 0; good[i]; i++) {
		valid(&s);
		s.resource_identifier = good[i];
		CU_ASSERT_STRING_EQUAL(check(&s, &st), "");
	}
	for (int i = 0; bad[i]; i++) {
		valid(&s);
		s.resource_identifier = bad[i];
		ASSERT_STR(check(&s, &st), "resource_identifier is not a valid URI");
	}
	static char long_uri[2100] = "https://example.com/";
	memset(long_uri + 20, 'a', 2030);
	valid(&s);
	s.resource_identifier = long_uri;
	ASSERT_STR(check(&s, &st), "resource_identifier is too long (maximum is 2048 characters)");
}

static void test_audiences(void)
{
	struct server s;
	status_t st;
	const char *blank[] = { "a", "" };
	const char *dup[] = { "a", "b", "a" };
	const char *spaced[] = { " a" };
	const char *many[101];
	for (int i = 0; i < 101; i++)
		many[i] = "x";
	valid(&s);
	s.audiences = blank;
	s.naudiences = 2;
	ASSERT_STR(check(&s, &st), "audiences can't contain blank values");
	s.audiences = dup;
	s.naudiences = 3;
	ASSERT_STR(check(&s, &st), "audiences can't contain duplicates");
	s.audiences = spaced;
	s.naudiences = 1;
	ASSERT_STR(check(&s, &st), "audiences can't have leading or trailing spaces");
	s.audiences = many;
	s.naudiences = 101;
	ASSERT_STR(check(&s, &st), "audiences is too long (maximum is 100 audiences)");
	s.naudiences = 0;
	ASSERT_STR(check(&s, &st), "audiences can't be blank");
}

static void test_lifetimes(void)
{
	struct server s;
	status_t st;
	valid(&s);
	s.access_ttl_minutes = 0;
	s.refresh_ttl_minutes = -5;
	ASSERT_STR(check(&s, &st), "access_token_expiration_minutes must be greater than 0; "
				   "refresh_token_expiration_minutes must be greater than 0");
	s.access_ttl_minutes = 1441;
	s.refresh_ttl_minutes = 525601;
	ASSERT_STR(check(&s, &st), "access_token_expiration_minutes must be less than or equal to 1440; "
				   "refresh_token_expiration_minutes must be less than or equal to 525600");
	s.access_ttl_minutes = 1440;
	s.refresh_ttl_minutes = 525600;
	ASSERT_STR(check(&s, &st), "");
	s.access_ttl_minutes = 1;
	s.refresh_ttl_minutes = 1;
	ASSERT_STR(check(&s, &st), "");
}

void suite_server_rules(void)
{
	static const struct test_case cases[] = {
		{ "valid server and defaults", test_valid_and_defaults },
		{ "every failing rule is reported", test_every_failure_reported },
		{ "name and description", test_name_and_description },
		{ "resource identifier", test_resource_identifier },
		{ "audiences", test_audiences },
		{ "token lifetimes", test_lifetimes },
		{ NULL, NULL },
	};
	tests_add_suite("server rules", NULL, NULL, cases);
}

/* ---- scopes, claims, applications ---------------------------------------------------- */


static char *details(struct app_error *e)
{
	static char buf[4096];
	arena_t *a = arena_create(0);
	buf[0] = '\0';
	for (size_t i = 0; i < e->ndetails; i++) {
		if (i)
			strcat(buf, "; ");
		strcat(buf, e->details[i].field);
		strcat(buf, " ");
		strcat(buf, onelogin_rule_message(a, &e->details[i]));
	}
	arena_destroy(a);
	return buf;
}

static void test_scope_rules(void)
{
	struct app_error e;
	struct scope s = { 0, "contacts:read", "Read contacts" };
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(scope_validate(&s, &e), ST_OK);
	s.value = "two words";
	s.description = "";
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(scope_validate(&s, &e), ST_INVALID);
	ASSERT_STR(details(&e), "value can't contain spaces; description can't be blank");
	char long_value[300];
	memset(long_value, 'v', 256);
	long_value[256] = '\0';
	s.value = long_value;
	s.description = "d";
	memset(&e, 0, sizeof(e));
	scope_validate(&s, &e);
	ASSERT_STR(details(&e), "value is too long (maximum is 255 characters)");
}

static void test_claim_and_application_rules(void)
{
	struct app_error e;
	struct claim c;
	claim_init(&c);
	CU_ASSERT_EQUAL(c.skip_if_blank, -1);
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(claim_validate(&c, &e), ST_INVALID);
	ASSERT_STR(details(&e), "name can't be blank");
	c.name = "email";
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(claim_validate(&c, &e), ST_OK);

	struct application a;
	application_init(&a);
	CU_ASSERT_EQUAL(a.access_validity_seconds, 3600);
	a.name = "App";
	a.url = "not a url";
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(application_validate(&a, &e), ST_INVALID);
	ASSERT_STR(details(&e), "url is not a valid URI");
	a.url = "https://example.com";
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(application_validate(&a, &e), ST_OK);
}

void suite_resource_rules(void)
{
	static const struct test_case cases[] = {
		{ "scope rules", test_scope_rules },
		{ "claim and application rules", test_claim_and_application_rules },
		{ NULL, NULL },
	};
	tests_add_suite("scope, claim, application rules", NULL, NULL, cases);
}

/* The Venafi scope parser decides who gets what: every rule of the grammar, the table,
 * merging, "fits inside", and the canonical text. Plus the password hash. */
#include <string.h>

#include "core/arena.h"
#include "authn/password.h"
#include "dialect/venafi_scope.h"
#include "suites.h"


static const char *canon(const char *s)
{
	struct vscope v;
	const char *err = NULL;
	if (vscope_parse(tests_arena, s, &v, &err) != 0)
		return arena_sprintf(tests_arena, "ERROR %s", err);
	return vscope_format(tests_arena, &v);
}

static int fits(const char *inner, const char *outer)
{
	struct vscope a, b;
	const char *err;
	CU_ASSERT_EQUAL_FATAL(vscope_parse(tests_arena, inner, &a, &err), 0);
	CU_ASSERT_EQUAL_FATAL(vscope_parse(tests_arena, outer, &b, &err), 0);
	return vscope_fits(&a, &b);
}

static void test_parse_and_canonical_form(void)
{
	ASSERT_STR(canon("certificate"), "certificate");
	ASSERT_STR(canon("admin"), "admin");
	ASSERT_STR(canon("certificate:discover,manage;configuration:delete"),
		   "certificate:discover,manage;configuration:delete");
	/* table order, restriction order, case and spaces do not matter */
	ASSERT_STR(canon(" Configuration : Delete ; CERTIFICATE:manage , discover "),
		   "certificate:discover,manage;configuration:delete");
	/* a name twice merges */
	ASSERT_STR(canon("certificate:manage;certificate:revoke;certificate"), "certificate:manage,revoke");
	ASSERT_STR(canon("ssh:approve,delete,discover,manage;statistics:manage,sensitive;codesignclient"),
		   "codesignclient;ssh:approve,delete,discover,manage;statistics:manage,sensitive");
	ASSERT_STR(canon("codesign:admin;admin:grantrights,viewlogs"), "admin:grantrights,viewlogs;codesign:admin");
	ASSERT_STR(canon("agent:delete;restricted:manage;security:delete"), "agent:delete;restricted:manage;security:delete");
}

static void test_refusals(void)
{
	ASSERT_STR(canon(""), "ERROR Scope is empty");
	ASSERT_STR(canon("   "), "ERROR Scope is empty");
	ASSERT_STR(canon("certficate"), "ERROR Unknown scope 'certficate'");
	ASSERT_STR(canon("certificate:manage,fly"), "ERROR Unknown restriction 'fly' for scope 'certificate'");
	ASSERT_STR(canon("admin:manage"), "ERROR Unknown restriction 'manage' for scope 'admin'");
	ASSERT_STR(canon("codesignclient:admin"), "ERROR Unknown restriction 'admin' for scope 'codesignclient'");
	ASSERT_STR(canon("certificate:"), "ERROR Unknown restriction '' for scope 'certificate'");
	ASSERT_STR(canon("certificate:manage,"), "ERROR Unknown restriction '' for scope 'certificate'");
	ASSERT_STR(canon("certificate;;admin"), "ERROR Scope 'certificate;;admin' has an empty part");
	ASSERT_STR(canon("certificate;"), "ERROR Scope 'certificate;' has an empty part");
	ASSERT_STR(canon(":manage"), "ERROR Scope ':manage' has an empty part");
	struct vscope v;
	const char *err;
	CU_ASSERT_EQUAL(vscope_parse(tests_arena, NULL, &v, &err), -1);
}

static void test_fits(void)
{
	CU_ASSERT(fits("certificate", "certificate"));
	CU_ASSERT(fits("certificate", "certificate:manage"));          /* bare = read, inside any */
	CU_ASSERT(fits("certificate:manage", "certificate:manage,revoke"));
	CU_ASSERT(!fits("certificate:manage", "certificate"));
	CU_ASSERT(!fits("certificate:manage,revoke", "certificate:manage"));
	CU_ASSERT(!fits("admin", "certificate:manage"));
	CU_ASSERT(fits("certificate:discover;ssh", "ssh:manage;certificate:discover,manage;admin"));
	CU_ASSERT(!fits("certificate:discover;ssh:approve", "ssh:manage;certificate:discover"));
	CU_ASSERT(fits("configuration", "configuration:delete,manage"));
	/* restrictions of one name never satisfy another's */
	CU_ASSERT(!fits("codesign:admin", "admin;codesign"));

	/* the seed's application: Scope certificate, MaximumScope admin, need not nest */
	struct vscope scope, max, want, both;
	const char *err;
	vscope_parse(tests_arena, "certificate", &scope, &err);
	vscope_parse(tests_arena, "admin", &max, &err);
	CU_ASSERT(!vscope_fits(&scope, &max));
	both = vscope_union(&scope, &max);
	vscope_parse(tests_arena, "admin", &want, &err);
	CU_ASSERT(vscope_fits(&want, &both));
	vscope_parse(tests_arena, "certificate;admin", &want, &err);
	CU_ASSERT(vscope_fits(&want, &both));
	vscope_parse(tests_arena, "certificate:manage", &want, &err);
	CU_ASSERT(!vscope_fits(&want, &both));
	CU_ASSERT(vscope_has(&both, "admin"));
	CU_ASSERT(!vscope_has(&scope, "admin"));
	const char *names[VSCOPE_NAMES];
	CU_ASSERT_EQUAL(vscope_names(&both, names), 2);
	ASSERT_STR(names[0], "admin");
	ASSERT_STR(names[1], "certificate");
}

static void test_table(void)
{
	int n = 0;
	while (vscope_table_name(n) != NULL)
		n++;
	CU_ASSERT_EQUAL(n, 10);
	ASSERT_STR(vscope_table_name(0), "admin");
	ASSERT_STR(vscope_table_restrictions(2)[4], "revoke");
	CU_ASSERT_PTR_NULL(vscope_table_restrictions(4)[0]);   /* codesignclient has none */
}

static void test_password(void)
{
	const char *h = password_hash(tests_arena, "correct horse");
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
	CU_ASSERT(password_verify(h, "correct horse"));
	CU_ASSERT(!password_verify(h, "correct horse "));
	CU_ASSERT(!password_verify(h, ""));
	CU_ASSERT(!password_verify("$2b$10$notargon", "x"));
	CU_ASSERT(!password_verify(NULL, "x"));
	const char *h2 = password_hash(tests_arena, "correct horse");
	CU_ASSERT(strcmp(h, h2) != 0);                  /* salted */
	password_burn("anything");
}

void suite_venafi_scopes(void)
{
	static const struct test_case cases[] = {
		{ "parse and canonical form", test_parse_and_canonical_form },
		{ "unknown names and restrictions, empty parts", test_refusals },
		{ "fits inside; Scope and MaximumScope need not nest", test_fits },
		{ "the scope table", test_table },
		{ "Argon2id password hashes", test_password },
		{ NULL, NULL },
	};
	tests_add_suite("venafi scopes and passwords", tests_arena_init, tests_arena_cleanup, cases);
}

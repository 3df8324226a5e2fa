/* The request arena: alignment, growth past the first block, cleanups and reuse. */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "suites.h"

static int order[4];
static int norder;

static void note(void *p)
{
	order[norder++] = *(int *)p;
}

static void test_alignment_and_growth(void)
{
	arena_t *a = arena_create(1024);
	for (int i = 0; i < 100; i++) {
		void *p = arena_alloc(a, (size_t)i + 1);
		CU_ASSERT_EQUAL((uintptr_t)p % 16, 0);
		memset(p, 0xAB, (size_t)i + 1);
	}
	char *big = arena_alloc(a, 100000);     /* larger than any block: its own block */
	memset(big, 1, 100000);
	CU_ASSERT(arena_bytes_used(a) >= 100000);
	arena_reset(a);
	CU_ASSERT_EQUAL(arena_bytes_used(a), 0);
	arena_destroy(a);
}

static void test_cleanups_run_newest_first_once(void)
{
	arena_t *a = arena_create(0);
	int one = 1, two = 2, three = 3;
	norder = 0;
	arena_on_reset(a, note, &one);
	arena_on_reset(a, note, &two);
	arena_on_reset(a, note, &three);
	arena_reset(a);
	CU_ASSERT_EQUAL(norder, 3);
	CU_ASSERT_EQUAL(order[0], 3);
	CU_ASSERT_EQUAL(order[2], 1);
	arena_reset(a);
	CU_ASSERT_EQUAL(norder, 3);
	arena_destroy(a);
}

static void test_strings(void)
{
	arena_t *a = arena_create(0);
	ASSERT_STR(arena_strdup(a, "abc"), "abc");
	ASSERT_STR(arena_strndup(a, "abcdef", 3), "abc");
	ASSERT_STR(arena_sprintf(a, "%d-%s", 42, "x"), "42-x");
	CU_ASSERT_PTR_NULL(arena_strdup(a, NULL));
	char *z = arena_zalloc(a, 64);
	for (int i = 0; i < 64; i++)
		CU_ASSERT_EQUAL(z[i], 0);
	arena_destroy(a);
	arena_destroy(NULL);
}

void suite_arena(void)
{
	static const struct test_case cases[] = {
		{ "alignment and growth", test_alignment_and_growth },
		{ "cleanups run newest first, once", test_cleanups_run_newest_first_once },
		{ "strings", test_strings },
		{ NULL, NULL },
	};
	tests_add_suite("arena", NULL, NULL, cases);
}

/* The CUnit runner both test programs share: suite registration and the run. */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>

#include "suites.h"

void tests_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup,
		     const struct test_case *cases)
{
	CU_pSuite s = CU_add_suite(name, init, cleanup);
	if (s == NULL) {
		fprintf(stderr, "CU_add_suite: %s\n", CU_get_error_msg());
		exit(2);
	}
	for (const struct test_case *c = cases; c->name != NULL; c++)
		if (CU_add_test(s, c->name, c->fn) == NULL) {
			fprintf(stderr, "CU_add_test: %s\n", CU_get_error_msg());
			exit(2);
		}
}

arena_t *tests_arena;

int tests_arena_init(void)
{
	tests_arena = arena_create(0);
	return 0;
}

int tests_arena_cleanup(void)
{
	arena_destroy(tests_arena);
	tests_arena = NULL;
	return 0;
}

int tests_run(void)
{
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	unsigned suites_failed = CU_get_number_of_suites_failed();
	unsigned ran = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	return ran == 0 || failed || suites_failed ? 1 : 0;
}

/* Suite registration for the two test programs, and small assertion helpers. */
#ifndef AUTHZD_TESTS_SUITES_H
#define AUTHZD_TESTS_SUITES_H

#include <string.h>

#include <CUnit/CUnit.h>

#include "core/arena.h"

void suite_arena(void);
void suite_config(void);
void suite_router(void);
void suite_server_rules(void);
void suite_resource_rules(void);
void suite_onelogin_mapping(void);

void suite_http_service(void);
void suite_http_onelogin(void);
void suite_http_security(void);
void suite_http_azure(void);
void suite_http_resources(void);
void suite_azure_mapping(void);
void suite_venafi_scopes(void);
void suite_http_venafi(void);
void suite_http_concurrency(void);
void suite_http_integrity(void);
void suite_http_statements(void);
void suite_http_logs(void);
void suite_http_ops(void);
void suite_metrics(void);
void suite_log(void);
void suite_http_tokens(void);
void suite_http_reporting(void);
void suite_http_native(void);
void suite_auth_parsing(void);
void suite_jose(void);

/* Registers a suite of NULL-terminated {name, fn} tests; aborts the run on a CUnit error. */
struct test_case {
	const char *name;
	CU_TestFunc fn;
};
void tests_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup,
		     const struct test_case *cases);
/* A suite's scratch arena: tests_arena_init/cleanup as the suite's init and cleanup make
 * it and free it. */
extern arena_t *tests_arena;
int tests_arena_init(void);
int tests_arena_cleanup(void);

/* Runs every registered suite; returns the process exit code. */
int tests_run(void);

#define ASSERT_STR(actual, expected) do { \
	const char *a__ = (actual), *e__ = (expected); \
	if (a__ == NULL || strcmp(a__, e__) != 0) \
		fprintf(stderr, "\n    %s:%d: got <%s>\n    expected <%s>\n", __FILE__, __LINE__, \
			a__ ? a__ : "(null)", e__); \
	CU_ASSERT_PTR_NOT_NULL_FATAL(a__); \
	CU_ASSERT_STRING_EQUAL(a__, e__); \
} while (0)

#endif

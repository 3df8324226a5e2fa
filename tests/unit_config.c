/* Configuration: file syntax, defaults, environment overrides, refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "suites.h"

extern char **environ;

/* The suite runs inside scripts/test, whose AUTHZD_* variables would override the files
 * under test: park them for the suite and put them back afterwards. */
static char *saved[64];
static int nsaved;

static int park_env(void)
{
	for (char **e = environ; *e != NULL && nsaved < 64; e++)
		if (strncmp(*e, "AUTHZD_", 7) == 0)
			saved[nsaved++] = strdup(*e);
	for (int i = 0; i < nsaved; i++) {
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(saved[i], "="), saved[i]);
		unsetenv(name);
	}
	return 0;
}

static int restore_env(void)
{
	for (int i = 0; i < nsaved; i++)
		putenv(saved[i]);      /* environ keeps the strings */
	nsaved = 0;
	return 0;
}

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/authzd-unit-%d.conf", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_file_and_env(void)
{
	struct config c;
	char err[256];
	char *path = write_tmp("# comment\n\ndatabase_url = postgresql:///x\n  workers=3  \n"
			       "socket_mode = 0666\nmax_body_bytes = 2048\nlog_level = warn\n");
	setenv("AUTHZD_WORKERS", "5", 1);
	CU_ASSERT_EQUAL_FATAL(config_load(&c, path, err, sizeof(err)), 0);
	ASSERT_STR(c.database_url, "postgresql:///x");
	CU_ASSERT_EQUAL(c.workers, 5);          /* the environment wins */
	CU_ASSERT_EQUAL(c.socket_mode, 0666);
	CU_ASSERT_EQUAL(c.max_body_bytes, 2048);
	CU_ASSERT_EQUAL(c.log_level, LOG_WARN);
	CU_ASSERT_EQUAL(c.access_token_ttl_seconds, 36000);
	unsetenv("AUTHZD_WORKERS");
	config_free(&c);
	unlink(path);
}

static void test_refusals(void)
{
	struct config c;
	char err[256];
	char *path = write_tmp("databse_url = x\n");
	CU_ASSERT_EQUAL(config_load(&c, path, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown configuration key 'databse_url'"));
	config_free(&c);
	path = write_tmp("workers = 0\n");
	CU_ASSERT_EQUAL(config_load(&c, path, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: workers"));
	config_free(&c);
	path = write_tmp("just words\n");
	CU_ASSERT_EQUAL(config_load(&c, path, err, sizeof(err)), -1);
	config_free(&c);
	setenv("AUTHZD_LOG_LEVEL", "loud", 1);
	CU_ASSERT_EQUAL(config_load(&c, NULL, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "AUTHZD_LOG_LEVEL"));
	unsetenv("AUTHZD_LOG_LEVEL");
	config_free(&c);
	CU_ASSERT_EQUAL(config_load(&c, "/nonexistent/authzd.conf", err, sizeof(err)), -1);
	config_free(&c);
	unlink(path);
}

/* A reload keeps what only a start reads and names it; every other key takes its new value. */
static void test_restart_only(void)
{
	struct config old, next;
	char err[256], changed[256];
	char *path = write_tmp("socket = /run/a.sock\nsocket_mode = 0660\nworkers = 2\n");
	CU_ASSERT_EQUAL_FATAL(config_load(&old, path, err, sizeof(err)), 0);
	path = write_tmp("socket = /run/b.sock\nsocket_mode = 0666\nworkers = 3\n"
			 "pid_file = /run/b.pid\nlog_file = /var/log/b.log\ntoken_jwks_max_age = 7\n");
	CU_ASSERT_EQUAL_FATAL(config_load(&next, path, err, sizeof(err)), 0);
	config_keep_restart_only(&old, &next, changed, sizeof(changed));
	ASSERT_STR(changed, "socket, socket_mode, pid_file");
	ASSERT_STR(next.socket, "/run/a.sock");
	CU_ASSERT_EQUAL(next.socket_mode, 0660);
	CU_ASSERT_PTR_NULL(next.pid_file);
	CU_ASSERT_EQUAL(next.workers, 3);
	ASSERT_STR(next.log_file, "/var/log/b.log");
	CU_ASSERT_EQUAL(next.token_jwks_max_age, 7);
	config_keep_restart_only(&old, &next, changed, sizeof(changed));
	ASSERT_STR(changed, "");
	config_free(&old);
	config_free(&next);
	unlink(path);
}

void suite_config(void)
{
	static const struct test_case cases[] = {
		{ "file, defaults and environment", test_file_and_env },
		{ "unknown keys, bad values, bad lines", test_refusals },
		{ "a reload keeps the keys only a start reads", test_restart_only },
		{ NULL, NULL },
	};
	tests_add_suite("config", park_env, restore_env, cases);
}

/* The reporting role (sql/0009_reporting.sql, docs/reporting.md) as an operator's login would
 * be it, by SET ROLE authzd_reporting on a connection of the application's role (a member,
 * as scripts/up makes it): every view of schema reporting readable, and exactly the
 * documented ones; no base table, no view outside it, no write; and no column that could
 * carry a hash, a ciphertext or a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "suites.h"

static PGconn *pg;

/* The views docs/reporting.md documents, in name order. */
static const char *const views[] = {
	"application_secrets", "application_servers", "applications", "audit_events", "credentials", "identities",
	"server_scopes", "servers", "tenants", "token_issuance_daily", "token_revocations_daily", NULL,
};

/* Tables holding a secret hash, a ciphertext, a key or a token, each named on its own. */
static const char *const secret_tables[] = {
	"api_credentials", "access_tokens", "application_secrets", "identities", "grants", "grant_tokens",
	"server_secrets", "server_token_body_parameters", "signing_keys", "token_revocations", "issuers",
	"login_failures", NULL,
};

static int init(void)
{
	pg = PQconnectdb(getenv("AUTHZD_DATABASE_URL"));
	if (PQstatus(pg) != CONNECTION_OK)
		return -1;
	PQclear(PQexec(pg, "SET client_min_messages = warning"));
	return tests_arena_init();
}

static int cleanup(void)
{
	PQfinish(pg);
	return tests_arena_cleanup();
}

/* Runs sql as authzd_reporting in a transaction that is rolled back: the SQLSTATE it failed
 * with, "" if it succeeded (rows: how many it returned). */
static const char *as_reporting(const char *sql, int *rows)
{
	static char state[6];
	PQclear(PQexec(pg, "BEGIN"));
	PGresult *res = PQexec(pg, "SET LOCAL ROLE authzd_reporting");
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	CU_ASSERT_FATAL(ok);
	res = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(res);
	const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	snprintf(state, sizeof(state), "%s", st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK ? "" : code ? code : "?");
	if (rows != NULL)
		*rows = st == PGRES_TUPLES_OK ? PQntuples(res) : -1;
	PQclear(res);
	PQclear(PQexec(pg, "ROLLBACK"));
	return state;
}

/* The first column of every row of sql (run as the application's role), NULL-terminated,
 * malloc'd strings. */
static char **column(const char *sql)
{
	PGresult *res = PQexec(pg, sql);
	int n = PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) : 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fprintf(stderr, "\n    %s: %s", sql, PQerrorMessage(pg));
	char **out = calloc((size_t)n + 1, sizeof(*out));
	for (int i = 0; i < n; i++)
		out[i] = strdup(PQgetvalue(res, i, 0));
	PQclear(res);
	return out;
}

static void free_column(char **c)
{
	for (size_t i = 0; c[i] != NULL; i++)
		free(c[i]);
	free(c);
}

static void test_views_readable(void)
{
	char **found = column("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
			      "WHERE n.nspname = 'reporting' ORDER BY c.relname COLLATE \"C\"");
	size_t i = 0;
	for (; views[i] != NULL; i++) {
		ASSERT_STR(found[i], views[i]);
		int rows = -1;
		const char *sql = arena_sprintf(tests_arena, "SELECT * FROM reporting.%s", views[i]);
		ASSERT_STR(as_reporting(sql, &rows), "");
		CU_ASSERT(rows >= 0);
	}
	CU_ASSERT_PTR_NULL(found[i]);              /* nothing in the schema but the views */
	free_column(found);
	/* and they are views, every one */
	char **kinds = column("SELECT DISTINCT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
			      "WHERE n.nspname = 'reporting'");
	ASSERT_STR(kinds[0], "v");
	CU_ASSERT_PTR_NULL(kinds[1]);
	free_column(kinds);
	/* rows the suites made are there, through the owner's rights */
	int rows = -1;
	ASSERT_STR(as_reporting("SELECT 1 FROM reporting.credentials WHERE tenant = 'tenant-a'", &rows), "");
	CU_ASSERT(rows >= 1);
	ASSERT_STR(as_reporting("SELECT 1 FROM reporting.tenants WHERE name = 'default'", &rows), "");
	CU_ASSERT_EQUAL(rows, 1);
	ASSERT_STR(as_reporting("SELECT 1 FROM reporting.audit_events WHERE action = 'credential.create'", &rows), "");
	CU_ASSERT(rows >= 0);
}

/* sql (as the application's role) returns no row; the first one found is shown. */
static void expect_none(const char *what, const char *sql)
{
	char **rows = column(sql);
	if (rows[0] != NULL)
		fprintf(stderr, "\n    %s: %s", what, rows[0]);
	CU_ASSERT_PTR_NULL(rows[0]);
	free_column(rows);
}

static void test_no_secret_columns(void)
{
	/* no bytea at all, and no column named for a hash, a ciphertext, a key or a password */
	expect_none("column", "SELECT table_name || '.' || column_name FROM information_schema.columns "
		    "WHERE table_schema = 'reporting' AND (data_type = 'bytea' OR column_name ~* "
		    "'hash|cipher|password|jwk|private|key_id|^token$|^jti$')");
	/* the role holds SELECT on nothing outside schema reporting */
	expect_none("readable", "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON "
		    "n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', "
		    "'reporting') AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r', 'v', 'm', 'p', 'f', 'S') "
		    "AND has_table_privilege('authzd_reporting', c.oid, 'SELECT')");
}

static void test_refusals(void)
{
	/* each table with secrets, by name */
	for (size_t i = 0; secret_tables[i] != NULL; i++) {
		const char *sql = arena_sprintf(tests_arena, "SELECT * FROM public.%s LIMIT 1", secret_tables[i]);
		const char *st = as_reporting(sql, NULL);
		if (strcmp(st, "42501") != 0)
			fprintf(stderr, "\n    %s: %s", secret_tables[i], st);
		CU_ASSERT_STRING_EQUAL(st, "42501");
	}
	/* every other base table and view of the application too, and schema api */
	char **tables = column("SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
			       "WHERE schemaname IN ('public', 'api') UNION ALL "
			       "SELECT quote_ident(schemaname) || '.' || quote_ident(viewname) FROM pg_views "
			       "WHERE schemaname IN ('public', 'api') ORDER BY 1");
	size_t n = 0;
	for (; tables[n] != NULL; n++) {
		const char *st = as_reporting(arena_sprintf(tests_arena, "SELECT * FROM %s LIMIT 1", tables[n]), NULL);
		if (strcmp(st, "42501") != 0)
			fprintf(stderr, "\n    %s: %s", tables[n], st);
		CU_ASSERT_STRING_EQUAL(st, "42501");
	}
	CU_ASSERT(n >= 30);
	free_column(tables);
	/* the functions of schema api are out of reach */
	ASSERT_STR(as_reporting("SELECT api.tenant_by_name('default')", NULL), "42501");
	/* and the views are read-only: tenants, on one table, is one PostgreSQL could write
	 * through, so only the missing grant stops it */
	ASSERT_STR(as_reporting("UPDATE reporting.tenants SET name = name", NULL), "42501");
	ASSERT_STR(as_reporting("DELETE FROM reporting.tenants WHERE false", NULL), "42501");
	ASSERT_STR(as_reporting("INSERT INTO reporting.tenants (name) VALUES ('made-by-reporting')", NULL), "42501");
	ASSERT_STR(as_reporting("CREATE VIEW reporting.mine AS SELECT 1", NULL), "42501");
	/* the role cannot log in until the operator says so */
	char **login = column("SELECT rolcanlogin::text FROM pg_roles WHERE rolname = 'authzd_reporting'");
	ASSERT_STR(login[0], "false");
	free_column(login);
}

void suite_http_reporting(void)
{
	static const struct test_case cases[] = {
		{ "reporting: every documented view readable, nothing else in the schema", test_views_readable },
		{ "reporting: no hash, ciphertext or key column; no grant outside the schema", test_no_secret_columns },
		{ "reporting: every base table, api and writes refused with 42501", test_refusals },
		{ NULL, NULL },
	};
	tests_add_suite("reporting role", init, cleanup, cases);
}

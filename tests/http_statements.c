/* Every statement the workers prepare, prepared against the migrated schema and EXPLAINed
 * with a generic plan, the way a worker runs it: a statement that no longer fits the
 * schema fails here, by name, not in production. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/db_statements.h"
#include "suites.h"

static PGconn *pg;

static int init(void)
{
	pg = PQconnectdb(getenv("AUTHZD_DATABASE_URL"));
	if (PQstatus(pg) != CONNECTION_OK)
		return -1;
	PQclear(PQexec(pg, "SET plan_cache_mode = force_generic_plan"));
	return 0;
}

static int cleanup(void)
{
	PQfinish(pg);
	return 0;
}

static void test_prepare_and_explain_all(void)
{
	int explained = 0;
	for (int i = 0; i < DB_STMT_COUNT; i++) {
		const struct db_stmt *s = &db_statements[i];
		PGresult *res = PQprepare(pg, s->name, s->sql, s->nparams, NULL);
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		if (!ok)
			fprintf(stderr, "\n    prepare %s: %s", s->name, PQerrorMessage(pg));
		PQclear(res);
		CU_ASSERT(ok);
		if (!ok)
			continue;
		/* every parameter NULL: a generic plan is planned without values anyway */
		char sql[512];
		int o = snprintf(sql, sizeof(sql), "EXPLAIN EXECUTE %s", s->name);
		for (int k = 0; k < s->nparams; k++)
			o += snprintf(sql + o, sizeof(sql) - (size_t)o, "%sNULL", k ? ", " : "(");
		snprintf(sql + o, sizeof(sql) - (size_t)o, "%s", s->nparams ? ")" : "");
		res = PQexec(pg, sql);
		ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0;
		if (!ok)
			fprintf(stderr, "\n    %s: %s", sql, PQerrorMessage(pg));
		explained += ok;
		PQclear(res);
		CU_ASSERT(ok);
	}
	CU_ASSERT_EQUAL(explained, DB_STMT_COUNT);
	CU_ASSERT(DB_STMT_COUNT > 40);
}

/* The names are the files': unique, and what the logs and pg_stat_statements show. */
static void test_names_unique(void)
{
	for (int i = 0; i < DB_STMT_COUNT; i++)
		for (int j = i + 1; j < DB_STMT_COUNT; j++)
			CU_ASSERT(strcmp(db_statements[i].name, db_statements[j].name) != 0);
}

void suite_http_statements(void)
{
	static const struct test_case cases[] = {
		{ "every statement prepares and EXPLAINs against the schema", test_prepare_and_explain_all },
		{ "statement names are unique", test_names_unique },
		{ NULL, NULL },
	};
	tests_add_suite("statements (database)", init, cleanup, cases);
}

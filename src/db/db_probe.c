/* The readiness query: one primary-key lookup, proving the connection works and the schema
 * is there (and the benchmark's "one PK SELECT" ceiling). */
#include "db/db.h"
#include "db/db_probe.h"

enum { S_READY };

const struct db_stmt db_probe_stmts[] = {
	[S_READY] = { "probe_ready", "SELECT 1 FROM schema_migrations WHERE version = '0001'", 0 },
	{ NULL, NULL, 0 },
};

status_t db_probe_ready(struct db *db, arena_t *a)
{
	status_t st;
	db_exec(db, a, &db_probe_stmts[S_READY], NULL, &st, NULL);
	return st;
}

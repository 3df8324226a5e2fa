/* The readiness query: proves the connection works and the schema is there. */
#include "db/db.h"
#include "db/db_probe.h"

enum { S_READY };

const struct db_stmt db_probe_stmts[] = {
	[S_READY] = { "probe_ready", "SELECT 1 FROM schema_migrations LIMIT 1", 0 },
	{ NULL, NULL, 0 },
};

status_t db_probe_ready(struct db *db, arena_t *a)
{
	status_t st;
	db_exec(db, a, &db_probe_stmts[S_READY], NULL, &st, NULL);
	return st;
}

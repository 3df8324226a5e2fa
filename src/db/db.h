/* The database connection of one worker: connect, prepare every statement once, run
 * prepared statements with parameters only, and turn SQLSTATEs into statuses.
 * Only src/db/ includes libpq. */
#ifndef AUTHZD_DB_H
#define AUTHZD_DB_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "arena.h"
#include "status.h"

struct db_stmt {
	const char *name;   /* prepared statement name, unique across the process */
	const char *sql;
	int nparams;
};

struct db;

/* Opens a connection (which may fail; db_ready retries). Never NULL. */
struct db *db_open(const char *url);
void db_close(struct db *db);

/* Makes sure the connection is up and prepared, reconnecting at most every 200 ms.
 * Returns ST_OK or ST_UNAVAILABLE. */
status_t db_ready(struct db *db);

/* Runs stmt with text parameters. On success returns a result owned by the arena (cleared
 * at reset) and sets *st to ST_OK. On failure returns NULL and sets *st: ST_UNAVAILABLE
 * (connection lost), ST_CONFLICT (unique or foreign-key violation), ST_INVALID (check
 * violation), ST_INTERNAL (anything else, logged). *sqlstate, if given, gets the code. */
PGresult *db_exec(struct db *db, arena_t *a, const struct db_stmt *stmt,
		  const char *const *params, status_t *st, const char **sqlstate);


/* A parameter's text for an integer, in the arena. */
char *db_i64(arena_t *a, int64_t v);
/* A column's text, or NULL for SQL NULL (PQgetvalue gives "" for both). */
const char *db_text_or_null(PGresult *res, int row, int col);

/* A list parameter: items as a JSON array of strings (arena text). */
const char *db_strings_json(arena_t *a, const char *const *items, size_t n);
/* v as JSON text in the arena; takes the caller's reference. */
const char *db_json_text(arena_t *a, json_t *v);

/* Statement tables of the db_*.c modules, each ending with a {NULL} row. */
extern const struct db_stmt db_server_stmts[];
extern const struct db_stmt db_probe_stmts[];
extern const struct db_stmt db_auth_stmts[];
extern const struct db_stmt db_azure_stmts[];
extern const struct db_stmt db_resource_stmts[];
extern const struct db_stmt db_application_stmts[];
extern const struct db_stmt db_venafi_stmts[];

#endif

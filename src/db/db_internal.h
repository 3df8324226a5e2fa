/* What the db_*.c modules share: statement arguments, result rows read by column name, and
 * db_run, which sends the caller's statement and the call in one pipelined round trip.
 * Only src/db/ includes this header (and with it libpq). */
#ifndef AUTHZD_DB_INTERNAL_H
#define AUTHZD_DB_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "core/caller.h"
#include "core/status.h"
#include "db/db.h"
#include "db/db_statements.h"

#define DB_MAX_ARGS 24

/* Parameters of one statement: text, or binary for bytea. */
struct db_args {
	arena_t *arena;
	int n;
	const char *values[DB_MAX_ARGS];
	int lengths[DB_MAX_ARGS];
	int formats[DB_MAX_ARGS];
};

void db_args_init(struct db_args *p, arena_t *a);
void db_arg_text(struct db_args *p, const char *s);       /* NULL: SQL NULL */
void db_arg_int(struct db_args *p, int64_t v);
void db_arg_bool(struct db_args *p, int v);
void db_arg_bytes(struct db_args *p, const void *bytes, size_t n);   /* bytea, sent binary */
void db_arg_json(struct db_args *p, json_t *v);           /* takes the reference; NULL: SQL NULL */
void db_arg_text_array(struct db_args *p, const char *const *items, size_t n);   /* NULL items: SQL NULL */

/* The rows of a result, owned by the arena. */
struct db_rows {
	PGresult *res;
	int n;
};

/* A column's index; logs and returns -1 when the statement has no such column. */
int db_col(const struct db_rows *rows, const char *name);
/* Values of row i by column name: text (NULL for SQL NULL), integer, boolean, JSON (arena
 * owned; NULL for SQL NULL), bytea (decoded into the arena). */
const char *db_text(const struct db_rows *rows, int i, const char *col);
int64_t db_int(const struct db_rows *rows, int i, const char *col);
int db_bool(const struct db_rows *rows, int i, const char *col);
int db_is_null(const struct db_rows *rows, int i, const char *col);
json_t *db_json(arena_t *a, const struct db_rows *rows, int i, const char *col);
const unsigned char *db_bytes(arena_t *a, const struct db_rows *rows, int i, const char *col, size_t *len);

/* Runs statement id with args as caller: the caller's statement and the call go in one
 * pipeline (one round trip, one transaction). ST_OK fills *out (may be NULL). Failures:
 * the caller's (ST_UNAUTHORIZED, ST_FORBIDDEN), the call's SQLSTATE mapped to a status
 * (AZ404 -> ST_NOT_FOUND, unique violation -> ST_CONFLICT, ...), ST_UNAVAILABLE when the
 * connection is lost. caller may be NULL (the service itself). */
status_t db_run(struct db *db, arena_t *a, struct caller *caller, enum db_stmt_id id,
		const struct db_args *args, struct db_rows *out);
/* db_run with the arguments described by fmt, one letter each (cf. printf):
 *   t  text                 const char *          (NULL: SQL NULL)
 *   i  integer              int64_t               (cast narrower values)
 *   n  integer or NULL      int64_t               (0: SQL NULL; ids, which are never 0)
 *   x  bytea                const void *, size_t  (binary)
 *   b  boolean              int
 *   h  SHA-256 digest       const unsigned char * (32 bytes, binary; NULL: SQL NULL)
 *   j  JSON                 json_t *              (the reference is taken; NULL: SQL NULL)
 *   a  text array           const char *const *, size_t
 * e.g. db_call(db, a, caller, DB_STMT_SCOPE_DELETE, NULL, "ii", server_id, scope_id). */
status_t db_call(struct db *db, arena_t *a, struct caller *caller, enum db_stmt_id id, struct db_rows *out,
		 const char *fmt, ...);
/* The same for the arguments alone, into p. */
void db_args_fmt(struct db_args *p, arena_t *a, const char *fmt, ...);

/* A write that must read first under a lock (read, decide in C, write back): db_txn_open
 * runs BEGIN, the caller's statement and the read in one flight and leaves the transaction
 * open (rolled back on failure); db_txn_commit sends the write and COMMIT in one flight;
 * db_txn_abort rolls back whatever is open. */
status_t db_txn_open(struct db *db, arena_t *a, struct caller *caller, enum db_stmt_id id,
		     const struct db_args *args, struct db_rows *out);
status_t db_txn_commit(struct db *db, arena_t *a, enum db_stmt_id id, const struct db_args *args,
		       struct db_rows *out);
void db_txn_abort(struct db *db);

/* The round trips made since the counters said round_trips_before were background work
 * (see struct db_counters). */
void db_count_background(struct db *db, uint64_t round_trips_before);

/* The DETAIL of the last failed call (arena string), or NULL. */
const char *db_error_detail(const struct db *db);
/* The constraint the last failed call violated, or NULL. */
const char *db_error_constraint(const struct db *db);

/* Strings of a JSON array of strings, into the arena. -1 if v is not one. */
int db_json_strings(arena_t *a, json_t *v, const char ***items, size_t *n);
/* A JSON array of the n strings (new reference). */
json_t *db_strings_array(const char *const *items, size_t n);

#endif

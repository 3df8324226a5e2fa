/* The database connection of one worker (or of authzctl): connect, prepare every statement
 * once, reconnect when it is lost. What the other layers call lives in the db_*.h headers;
 * none of them shows SQL or a libpq type. */
#ifndef AUTHZD_DB_H
#define AUTHZD_DB_H

#include <stdint.h>

#include "core/arena.h"
#include "core/caller.h"
#include "core/status.h"

struct db;

/* Opens a connection (which may fail; db_ready retries). Never NULL. */
struct db *db_open(const char *url);
void db_close(struct db *db);

/* Makes sure the connection is up and prepared, reconnecting at most every 200 ms.
 * Returns ST_OK or ST_UNAVAILABLE. */
status_t db_ready(struct db *db);

/* Establishes caller on its own (a management token checked, a host resolved), for an
 * answer that needed no other statement. ST_OK, ST_UNAUTHORIZED, ST_FORBIDDEN, ... */
status_t db_caller_check(struct db *db, arena_t *a, struct caller *caller);

/* The readiness probe, one round trip: *migration gets the schema's level, the highest
 * applied migration ("0009"; NULL when none is recorded). */
status_t db_probe_ready(struct db *db, arena_t *a, const char **migration);
/* The newest migration this binary was built with (from sql/ at build time): a schema
 * below it lacks something the statements need. */
const char *db_schema_level(void);

/* Counters of this connection, for metrics. */
struct db_counters {
	uint64_t round_trips;
	uint64_t reconnects;
	uint64_t errors;          /* statements that failed for a reason other than the caller's */
	uint64_t background;      /* of round_trips, those made after a response, which no
				   * request waited for (the token counts' writes) */
};
const struct db_counters *db_counters(const struct db *db);

#endif

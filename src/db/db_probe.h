/* Readiness: one query against the database. */
#ifndef AUTHZD_DB_PROBE_H
#define AUTHZD_DB_PROBE_H

#include "arena.h"
#include "db/db.h"
#include "status.h"

/* ST_OK if the database answered, else ST_UNAVAILABLE (or another failure status). */
status_t db_probe_ready(struct db *db, arena_t *a);

#endif

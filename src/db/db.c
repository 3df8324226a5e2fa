/* Connection management for one worker. Statements are prepared once per connection (and
 * again only after a reconnect), so a request never parses SQL. */
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonx.h"
#include "log.h"

struct db {
	char *url;
	PGconn *conn;
	int prepared;
	struct timespec last_attempt;
};

static const struct db_stmt *const stmt_tables[] = {
	db_probe_stmts,
	db_auth_stmts,
	db_server_stmts,
	db_azure_stmts,
	db_resource_stmts,
	db_application_stmts,
	db_venafi_stmts,
};

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* libpq messages end in newlines and may span lines; a log line must not. */
static const char *one_line(PGconn *conn)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s", PQerrorMessage(conn));
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	size_t n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return buf;
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int prepare_all(struct db *db)
{
	for (size_t t = 0; t < sizeof(stmt_tables) / sizeof(stmt_tables[0]); t++) {
		for (const struct db_stmt *s = stmt_tables[t]; s->name != NULL; s++) {
			PGresult *res = PQprepare(db->conn, s->name, s->sql, s->nparams, NULL);
			int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
			if (!ok)
				log_error("db: prepare %s: %s", s->name, one_line(db->conn));
			PQclear(res);
			if (!ok)
				return -1;
		}
	}
	return 0;
}

static void connect_now(struct db *db)
{
	clock_gettime(CLOCK_MONOTONIC, &db->last_attempt);
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->prepared = 0;
	/* application_name lets operators (and tests) find the workers' sessions. */
	/* Generic plans: every statement is planned once per connection, never per request. */
	const char *const keys[] = { "dbname", "application_name", "options", NULL };
	const char *const vals[] = { db->url, "authzd", "-c plan_cache_mode=force_generic_plan", NULL };
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		log_warn("db: connect failed: %s", one_line(db->conn));
		return;
	}
	PQsetNoticeProcessor(db->conn, quiet_notices, NULL);
	if (prepare_all(db) == 0)
		db->prepared = 1;
}

struct db *db_open(const char *url)
{
	struct db *db = calloc(1, sizeof(*db));
	if (db == NULL || (db->url = strdup(url)) == NULL)
		abort();
	connect_now(db);
	return db;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->url);
	free(db);
}

status_t db_ready(struct db *db)
{
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK && db->prepared)
		return ST_OK;
	if (since(&db->last_attempt) < 0.2)
		return ST_UNAVAILABLE;
	connect_now(db);
	if (PQstatus(db->conn) == CONNECTION_OK && db->prepared) {
		log_info("db: connected");
		return ST_OK;
	}
	return ST_UNAVAILABLE;
}

static void clear_cb(void *p)
{
	PQclear(p);
}

static status_t classify(struct db *db, PGresult *res, const char **sqlstate)
{
	const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (sqlstate != NULL)
		*sqlstate = code;
	if (PQstatus(db->conn) != CONNECTION_OK) {
		log_warn("db: connection lost: %s", one_line(db->conn));
		db->prepared = 0;
		return ST_UNAVAILABLE;
	}
	if (code == NULL) {
		log_error("db: error without SQLSTATE: %s", one_line(db->conn));
		return ST_INTERNAL;
	}
	if (strcmp(code, "23505") == 0 || strcmp(code, "23503") == 0 ||
	    strcmp(code, "40001") == 0 || strcmp(code, "40P01") == 0)
		return ST_CONFLICT;
	if (strcmp(code, "23514") == 0 || strcmp(code, "23502") == 0)
		return ST_INVALID;
	/* Class 08 (connection), 57P0x (admin shutdown), 53xxx (out of resources). */
	if (strncmp(code, "08", 2) == 0 || strncmp(code, "57P0", 4) == 0 ||
	    strncmp(code, "53", 2) == 0) {
		db->prepared = 0;
		return ST_UNAVAILABLE;
	}
	log_error("db: SQLSTATE %s: %s", code, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
	return ST_INTERNAL;
}

static PGresult *finish(struct db *db, arena_t *a, PGresult *res, status_t *st,
			const char **sqlstate)
{
	ExecStatusType est = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (res != NULL)
		arena_on_reset(a, clear_cb, res);
	if (est == PGRES_TUPLES_OK || est == PGRES_COMMAND_OK) {
		*st = ST_OK;
		if (sqlstate != NULL)
			*sqlstate = NULL;
		return res;
	}
	*st = classify(db, res, sqlstate);
	return NULL;
}

PGresult *db_exec(struct db *db, arena_t *a, const struct db_stmt *stmt,
		  const char *const *params, status_t *st, const char **sqlstate)
{
	*st = db_ready(db);
	if (*st != ST_OK)
		return NULL;
	PGresult *res = PQexecPrepared(db->conn, stmt->name, stmt->nparams, params, NULL, NULL, 0);
	return finish(db, a, res, st, sqlstate);
}

char *db_i64(arena_t *a, int64_t v)
{
	return arena_sprintf(a, "%lld", (long long)v);
}

const char *db_text_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

const char *db_strings_json(arena_t *a, const char *const *items, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(items[i]));
	return db_json_text(a, arr);
}

const char *db_json_text(arena_t *a, json_t *v)
{
	size_t len;
	const char *text = jsonx_dump(a, v, &len);
	json_decref(v);
	return text;
}

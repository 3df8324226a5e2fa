/* Connection management and statement execution for one worker. Statements are prepared
 * once per connection (and again only after a reconnect), so a request never sends SQL
 * text. A call with a caller is a pipeline of two statements, the caller's and the call,
 * ended by one Sync: one network round trip, one implicit transaction, and the call runs
 * only if the caller's statement succeeded (an error aborts the rest of the pipeline). */
#include "db/db_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "db/db_schema.h"

struct db {
	char *url;
	PGconn *conn;
	int prepared;
	struct timespec last_attempt;
	const char *detail;          /* of the last failed call (arena) */
	const char *constraint;
	struct db_counters counters;
};

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* libpq messages end in newlines and may span lines; a log line must not. */
static const char *one_line(const char *msg)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s", msg ? msg : "");
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
	for (int i = 0; i < DB_STMT_COUNT; i++) {
		const struct db_stmt *s = &db_statements[i];
		PGresult *res = PQprepare(db->conn, s->name, s->sql, s->nparams, NULL);
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		if (!ok)
			log_error("db: prepare %s: %s", s->name, one_line(PQerrorMessage(db->conn)));
		PQclear(res);
		if (!ok)
			return -1;
	}
	return 0;
}

static void disconnect(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	db->prepared = 0;
}

static void connect_now(struct db *db)
{
	clock_gettime(CLOCK_MONOTONIC, &db->last_attempt);
	disconnect(db);
	/* application_name lets operators (and tests) find the workers' sessions. Generic
	 * plans: every statement is planned once per connection, never per request. */
	const char *const keys[] = { "dbname", "application_name", "options", NULL };
	const char *const vals[] = { db->url, "authzd", "-c plan_cache_mode=force_generic_plan", NULL };
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		log_warn("db: connect failed: %s", one_line(PQerrorMessage(db->conn)));
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
	disconnect(db);
	free(db->url);
	free(db);
}

/* A connection the server ended while it was idle (a restart, pg_terminate_backend) has its
 * farewell, or the end of the stream, waiting in the socket; an idle session that is well has
 * nothing there (no LISTEN, no SET). A look without reading or blocking finds out, so the
 * request about to be sent gets a new connection instead of a 503. */
static int idle_connection_alive(PGconn *c)
{
	char b;
	ssize_t n = recv(PQsocket(c), &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

status_t db_ready(struct db *db)
{
	int ended_while_idle = 0;
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK && db->prepared) {
		if (idle_connection_alive(db->conn))
			return ST_OK;
		log_warn("db: connection lost while idle; reconnecting");
		ended_while_idle = 1;
	}
	if (!ended_while_idle && since(&db->last_attempt) < 0.2)
		return ST_UNAVAILABLE;
	db->counters.reconnects++;
	connect_now(db);
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK && db->prepared) {
		log_info("db: connected");
		return ST_OK;
	}
	return ST_UNAVAILABLE;
}

void db_count_background(struct db *db, uint64_t round_trips_before)
{
	db->counters.background += db->counters.round_trips - round_trips_before;
}

const struct db_counters *db_counters(const struct db *db)
{
	return &db->counters;
}

const char *db_error_detail(const struct db *db)
{
	return db->detail;
}

const char *db_error_constraint(const struct db *db)
{
	return db->constraint;
}

/* ---- arguments ----------------------------------------------------------------------- */

void db_args_init(struct db_args *p, arena_t *a)
{
	memset(p, 0, sizeof(*p));
	p->arena = a;
}

static void push(struct db_args *p, const char *v, int len, int format)
{
	if (p->n == DB_MAX_ARGS)
		abort();          /* a statement with more parameters is a bug, caught by any test */
	p->values[p->n] = v;
	p->lengths[p->n] = len;
	p->formats[p->n] = format;
	p->n++;
}

void db_arg_text(struct db_args *p, const char *s)
{
	push(p, s, 0, 0);
}

void db_arg_int(struct db_args *p, int64_t v)
{
	push(p, arena_sprintf(p->arena, "%lld", (long long)v), 0, 0);
}

void db_arg_bool(struct db_args *p, int v)
{
	push(p, v ? "true" : "false", 0, 0);
}

void db_arg_bytes(struct db_args *p, const void *bytes, size_t n)
{
	if (bytes == NULL)
		push(p, NULL, 0, 1);
	else
		push(p, bytes, (int)n, 1);
}

void db_arg_json(struct db_args *p, json_t *v)
{
	size_t len;
	push(p, v == NULL ? NULL : jsonx_dump(p->arena, v, &len), 0, 0);
	json_decref(v);
}

void db_arg_text_array(struct db_args *p, const char *const *items, size_t n)
{
	if (items == NULL) {
		push(p, NULL, 0, 0);
		return;
	}
	/* a text[] literal: every element double-quoted, with " and \ escaped */
	size_t cap = 3;
	for (size_t i = 0; i < n; i++)
		cap += 2 * strlen(items[i]) + 3;
	char *lit = arena_alloc(p->arena, cap), *o = lit;
	*o++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		*o++ = '"';
		for (const char *s = items[i]; *s; s++) {
			if (*s == '"' || *s == '\\')
				*o++ = '\\';
			*o++ = *s;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	push(p, lit, 0, 0);
}

static void args_va(struct db_args *p, arena_t *a, const char *fmt, va_list ap)
{
	db_args_init(p, a);
	for (const char *f = fmt; *f; f++) {
		switch (*f) {
		case 't': db_arg_text(p, va_arg(ap, const char *)); break;
		case 'i': db_arg_int(p, va_arg(ap, int64_t)); break;
		case 'n': {
			int64_t v = va_arg(ap, int64_t);
			if (v == 0)
				db_arg_text(p, NULL);
			else
				db_arg_int(p, v);
			break;
		}
		case 'x': {
			const void *bytes = va_arg(ap, const void *);
			db_arg_bytes(p, bytes, va_arg(ap, size_t));
			break;
		}
		case 'b': db_arg_bool(p, va_arg(ap, int)); break;
		case 'h': db_arg_bytes(p, va_arg(ap, const unsigned char *), CRYPTO_SHA256_LEN); break;
		case 'j': db_arg_json(p, va_arg(ap, json_t *)); break;
		case 'a': {
			const char *const *items = va_arg(ap, const char *const *);
			db_arg_text_array(p, items, va_arg(ap, size_t));
			break;
		}
		default: abort();      /* a caller's typo: every test would show it */
		}
	}
}

void db_args_fmt(struct db_args *p, arena_t *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	args_va(p, a, fmt, ap);
	va_end(ap);
}

status_t db_call(struct db *db, arena_t *a, struct caller *caller, enum db_stmt_id id, struct db_rows *out,
		 const char *fmt, ...)
{
	struct db_args p;
	va_list ap;
	va_start(ap, fmt);
	args_va(&p, a, fmt, ap);
	va_end(ap);
	return db_run(db, a, caller, id, &p, out);
}

/* ---- rows ---------------------------------------------------------------------------- */

int db_col(const struct db_rows *rows, const char *name)
{
	int c = PQfnumber(rows->res, name);
	if (c < 0)
		log_error("db: the statement has no column %s", name);
	return c;
}

const char *db_text(const struct db_rows *rows, int i, const char *col)
{
	int c = db_col(rows, col);
	return c < 0 || PQgetisnull(rows->res, i, c) ? NULL : PQgetvalue(rows->res, i, c);
}

int db_is_null(const struct db_rows *rows, int i, const char *col)
{
	int c = db_col(rows, col);
	return c < 0 || PQgetisnull(rows->res, i, c);
}

int64_t db_int(const struct db_rows *rows, int i, const char *col)
{
	const char *v = db_text(rows, i, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

int db_bool(const struct db_rows *rows, int i, const char *col)
{
	const char *v = db_text(rows, i, col);
	return v != NULL && v[0] == 't';
}

json_t *db_json(arena_t *a, const struct db_rows *rows, int i, const char *col)
{
	const char *v = db_text(rows, i, col);
	return v ? jsonx_arena_own(a, json_loads(v, JSON_DECODE_ANY, NULL)) : NULL;
}

const unsigned char *db_bytes(arena_t *a, const struct db_rows *rows, int i, const char *col, size_t *len)
{
	const char *v = db_text(rows, i, col);
	*len = 0;
	if (v == NULL)
		return NULL;
	size_t n;
	unsigned char *raw = PQunescapeBytea((const unsigned char *)v, &n);
	if (raw == NULL)
		abort();
	unsigned char *out = arena_alloc(a, n ? n : 1);
	memcpy(out, raw, n);
	PQfreemem(raw);
	*len = n;
	return out;
}

int db_json_strings(arena_t *a, json_t *v, const char ***items, size_t *n)
{
	if (!json_is_array(v))
		return -1;
	*n = json_array_size(v);
	*items = arena_alloc(a, (*n ? *n : 1) * sizeof(char *));
	for (size_t i = 0; i < *n; i++) {
		const char *s = json_string_value(json_array_get(v, i));
		if (s == NULL)
			return -1;
		(*items)[i] = arena_strdup(a, s);
	}
	return 0;
}

json_t *db_strings_array(const char *const *items, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(items[i]));
	return arr;
}

/* ---- execution ----------------------------------------------------------------------- */

static void clear_cb(void *p)
{
	PQclear(p);
}

static const struct {
	const char *sqlstate;
	status_t st;
} states[] = {
	{ "AZ401", ST_UNAUTHORIZED }, { "AZ403", ST_FORBIDDEN }, { "AZ404", ST_NOT_FOUND },
	{ "AZ409", ST_CONFLICT }, { "AZ412", ST_PRECONDITION_FAILED }, { "AZ422", ST_INVALID },
	{ "23505", ST_CONFLICT },          /* unique violation */
	{ "23503", ST_CONFLICT },          /* foreign key violation */
	{ "40001", ST_CONFLICT },          /* serialization failure */
	{ "40P01", ST_CONFLICT },          /* deadlock */
	{ "23514", ST_INVALID },           /* check violation: a rule the model let through */
	{ "23502", ST_INVALID },           /* not-null violation */
};

/* Maps a failed result to a status. Connection-level failures (no SQLSTATE at all, class
 * 08, shutdown, out of resources) drop the connection: the client hears 503 and retries. */
static status_t classify(struct db *db, arena_t *a, PGresult *res)
{
	const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	db->detail = detail ? arena_strdup(a, detail) : NULL;
	db->constraint = constraint ? arena_strdup(a, constraint) : NULL;
	if (code == NULL || PQstatus(db->conn) != CONNECTION_OK || strncmp(code, "08", 2) == 0 ||
	    strncmp(code, "57P0", 4) == 0 || strncmp(code, "53", 2) == 0) {
		log_warn("db: connection lost: %s", one_line(res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn)));
		disconnect(db);
		return ST_UNAVAILABLE;
	}
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(code, states[i].sqlstate) == 0)
			return states[i].st;
	db->counters.errors++;
	if (strncmp(code, "22", 2) == 0) {
		/* a data exception: a value the client sent that no rule caught */
		log_warn("db: SQLSTATE %s: %s", code, one_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)));
		return ST_BAD_REQUEST;
	}
	log_error("db: SQLSTATE %s: %s", code, one_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)));
	return ST_INTERNAL;
}

static status_t result_status(struct db *db, arena_t *a, PGresult *res)
{
	ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK)
		return ST_OK;
	return classify(db, a, res);
}

static enum db_stmt_id caller_args(const struct caller *c, struct db_args *ca)
{
	switch (c->kind) {
	case CALLER_TOKEN: {
		const char *const *scopes = access_credential_scopes(c->need);
		const char *const *grants = access_grant_scopes(c->need);
		db_arg_bytes(ca, c->token_hash, sizeof(c->token_hash));
		db_arg_text_array(ca, scopes, access_count(scopes));
		db_arg_text_array(ca, grants, access_count(grants));
		return DB_STMT_CALLER_TOKEN;
	}
	case CALLER_HOST:
		db_arg_text(ca, c->host ? c->host : "");
		return DB_STMT_CALLER_HOST;
	case CALLER_TENANT:
	case CALLER_SERVICE:
		break;
	}
	db_arg_int(ca, c->tenant_id);
	return DB_STMT_CALLER_TENANT;
}

/* One statement of a pipeline: a prepared statement with its arguments, or plain text
 * (BEGIN, COMMIT). */
struct step {
	const char *name;            /* prepared statement, or NULL */
	const char *text;            /* when name is NULL */
	const struct db_args *args;
};

/* Reads a pipeline's results up to its Sync: the first result of each query into res[].
 * -1 if the connection broke on the way. */
static int collect(struct db *db, arena_t *a, PGresult **res, int nqueries)
{
	int query = 0, nulls = 0;
	for (;;) {
		PGresult *r = PQgetResult(db->conn);
		if (r == NULL) {
			if (PQstatus(db->conn) != CONNECTION_OK || ++nulls > 2)
				return -1;
			query++;
			continue;
		}
		nulls = 0;
		arena_on_reset(a, clear_cb, r);
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC)
			return 0;
		if (query < nqueries && res[query] == NULL)
			res[query] = r;
		if (PQresultStatus(r) == PGRES_FATAL_ERROR && PQstatus(db->conn) != CONNECTION_OK)
			return -1;
	}
}

static status_t lost(struct db *db, arena_t *a, PGresult *res)
{
	if (res != NULL && PQresultErrorField(res, PG_DIAG_SQLSTATE) != NULL && PQstatus(db->conn) == CONNECTION_OK)
		return classify(db, a, res);
	log_warn("db: connection lost: %s", one_line(PQerrorMessage(db->conn)));
	disconnect(db);
	return ST_UNAVAILABLE;
}

static int send_step(struct db *db, const struct step *s)
{
	if (s->name == NULL)
		return PQsendQueryParams(db->conn, s->text, 0, NULL, NULL, NULL, NULL, 0);
	return PQsendQueryPrepared(db->conn, s->name, s->args->n, s->args->values, s->args->lengths,
				   s->args->formats, 0);
}

/* Sends the steps and one Sync in a single flight; res[i] gets step i's first result. The
 * status is the first step's failure, if any (a failure aborts the steps after it). */
static status_t pipeline(struct db *db, arena_t *a, const struct step *steps, int n, PGresult **res)
{
	int ok = PQenterPipelineMode(db->conn);
	for (int i = 0; i < n; i++)
		res[i] = NULL;
	for (int i = 0; ok && i < n; i++)
		ok = send_step(db, &steps[i]);
	if (!ok || !PQpipelineSync(db->conn) || collect(db, a, res, n) != 0) {
		PGresult *last = NULL;
		for (int i = 0; i < n; i++)
			if (res[i] != NULL && PQresultStatus(res[i]) == PGRES_FATAL_ERROR)
				last = res[i];
		return lost(db, a, last);
	}
	if (!PQexitPipelineMode(db->conn)) {
		log_warn("db: pipeline did not end cleanly: %s", one_line(PQerrorMessage(db->conn)));
		disconnect(db);
		return ST_UNAVAILABLE;
	}
	for (int i = 0; i < n; i++) {
		status_t st = result_status(db, a, res[i]);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

/* The caller's step, and what its result says of the caller. */
static struct step caller_step(const struct caller *caller, struct db_args *ca)
{
	return (struct step){ db_statements[caller_args(caller, ca)].name, NULL, ca };
}

static void caller_verified(struct caller *caller, PGresult *res)
{
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		return;
	struct db_rows c = { res, 1 };
	caller->tenant_id = db_int(&c, 0, "tenant_id");
	if (caller->kind == CALLER_TOKEN)
		caller->credential_id = db_int(&c, 0, "credential_id");
	caller->verified = 1;
}

static int start(struct db *db, const struct db_stmt *s, const struct db_args *args, status_t *st)
{
	if (args->n != s->nparams) {
		log_error("db: %s takes %d parameters, given %d", s->name, s->nparams, args->n);
		*st = ST_INTERNAL;
		return 0;
	}
	if ((*st = db_ready(db)) != ST_OK)
		return 0;
	db->detail = db->constraint = NULL;
	db->counters.round_trips++;
	return 1;
}

static void fill(struct db_rows *out, PGresult *res)
{
	if (out != NULL) {
		out->res = res;
		out->n = res ? PQntuples(res) : 0;
	}
}

status_t db_run(struct db *db, arena_t *a, struct caller *caller, enum db_stmt_id id,
		const struct db_args *args, struct db_rows *out)
{
	const struct db_stmt *s = &db_statements[id];
	struct db_args none, ca;
	status_t st;
	if (args == NULL) {
		db_args_init(&none, a);
		args = &none;
	}
	if (!start(db, s, args, &st))
		return st;
	if (caller == NULL || caller->kind == CALLER_SERVICE) {
		PGresult *res = PQexecPrepared(db->conn, s->name, args->n, args->values, args->lengths, args->formats, 0);
		if (res != NULL)
			arena_on_reset(a, clear_cb, res);
		st = res == NULL ? lost(db, a, NULL) : result_status(db, a, res);
		if (st == ST_OK)
			fill(out, res);
		return st;
	}
	db_args_init(&ca, a);
	struct step steps[2] = { caller_step(caller, &ca), { s->name, NULL, args } };
	PGresult *res[2];
	st = pipeline(db, a, steps, 2, res);
	caller_verified(caller, res[0]);
	if (st == ST_OK)
		fill(out, res[1]);
	return st;
}

status_t db_txn_open(struct db *db, arena_t *a, struct caller *caller, enum db_stmt_id id,
		     const struct db_args *args, struct db_rows *out)
{
	const struct db_stmt *s = &db_statements[id];
	struct db_args ca;
	status_t st;
	if (!start(db, s, args, &st))
		return st;
	db_args_init(&ca, a);
	struct step steps[3] = { { NULL, "BEGIN", NULL }, caller_step(caller, &ca), { s->name, NULL, args } };
	PGresult *res[3];
	st = pipeline(db, a, steps, 3, res);
	if (st != ST_OK) {
		db_txn_abort(db);
		return st;
	}
	caller_verified(caller, res[1]);
	fill(out, res[2]);
	return ST_OK;
}

status_t db_txn_commit(struct db *db, arena_t *a, enum db_stmt_id id, const struct db_args *args,
		       struct db_rows *out)
{
	const struct db_stmt *s = &db_statements[id];
	status_t st;
	if (!start(db, s, args, &st)) {
		db_txn_abort(db);
		return st;
	}
	struct step steps[2] = { { s->name, NULL, args }, { NULL, "COMMIT", NULL } };
	PGresult *res[2];
	st = pipeline(db, a, steps, 2, res);
	if (st != ST_OK) {
		db_txn_abort(db);
		return st;
	}
	fill(out, res[0]);
	return ST_OK;
}

void db_txn_abort(struct db *db)
{
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return;
	if (PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return;
	PGresult *res = PQexec(db->conn, "ROLLBACK");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		disconnect(db);
	PQclear(res);
}

status_t db_caller_check(struct db *db, arena_t *a, struct caller *caller)
{
	return db_run(db, a, caller, DB_STMT_PROBE_READY, NULL, NULL);
}

status_t db_probe_ready(struct db *db, arena_t *a, const char **migration)
{
	struct db_rows rows;
	status_t st = db_run(db, a, NULL, DB_STMT_PROBE_READY, NULL, &rows);
	const char *v = st == ST_OK && rows.n > 0 ? db_text(&rows, 0, "migration") : NULL;
	*migration = v ? arena_strdup(a, v) : NULL;
	return st;
}

const char *db_schema_level(void)
{
	return DB_SCHEMA_LEVEL;
}

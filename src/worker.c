/* Worker loop: FCGX_Accept_r, read the CGI parameters and the capped body into the
 * request arena, dispatch, count and log the request, write the response in two writes,
 * reset the arena.
 * SIGTERM is blocked while a request runs, so a request in flight always completes. After a
 * response the worker may write its token counts (at most once a second), and at exit. */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/service.h"
#include "db/db.h"
#include "db/db_token.h"
#include "http/dispatch.h"
#include "http/request.h"
#include "routes.h"

#define ARENA_FIRST_BLOCK (64 * 1024)

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
	FCGX_ShutdownPending();
}

static const char *param(FCGX_Request *fr, const char *name)
{
	const char *v = FCGX_GetParam(name, fr->envp);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* Reads the body, at most cap bytes; sets body_too_large instead of reading more. */
static void read_body(struct request *r, FCGX_Request *fr, size_t cap)
{
	const char *cl = param(fr, "CONTENT_LENGTH");
	if (param(fr, "AUTHZD_BODY_TOO_LARGE") != NULL) {
		r->body_too_large = 1;
		return;
	}
	if (cl == NULL)
		return;
	char *end;
	errno = 0;
	unsigned long long len = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0' || len > cap) {
		r->body_too_large = 1;
		return;
	}
	char *buf = arena_alloc(r->arena, (size_t)len + 1);
	int got = len ? FCGX_GetStr(buf, (int)len, fr->in) : 0;
	buf[got < 0 ? 0 : got] = '\0';
	r->body = buf;
	r->body_len = got < 0 ? 0 : (size_t)got;
}

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The confirm phase's hook: the caller checked on its own, in the database. */
static status_t confirm_caller(struct request *r)
{
	return db_caller_check(r->svc->db, r->arena, &r->caller);
}

/* What the connection's counters were when last added to this worker's metrics slot. */
static struct db_counters db_seen;

static unsigned route_index(const struct request *r)
{
	if (r->route == NULL || r->route < routes_table || r->route >= routes_table + routes_count)
		return METRICS_ROUTE_NONE;
	size_t i = (size_t)(r->route - routes_table);
	return i < METRICS_ROUTE_NONE ? (unsigned)i : METRICS_ROUTE_NONE;
}

/* The connection's counters since the last call, into this worker's metrics slot. */
static void count_db(const struct db *db)
{
	const struct db_counters *c = db_counters(db);
	metrics_db(c->round_trips - db_seen.round_trips, c->reconnects - db_seen.reconnects,
		   c->errors - db_seen.errors, c->background - db_seen.background);
	db_seen = *c;
}

/* The finish phase's hook: the request's counters (a few stores into this worker's slot) and
 * its log line. Never a header, a body or a secret: only what identifies the request. */
static void finished(struct request *r, status_t st)
{
	(void)st;
	int code = r->resp.status ? r->resp.status : 500;
	int64_t ns = now_ns() - r->started_ns;
	unsigned method = r->method ? (unsigned)__builtin_ctz(r->method) : METRICS_METHODS - 1;
	metrics_request(route_index(r), method, code, ns);
	count_db(r->svc->db);
	if (!log_enabled(LOG_INFO))
		return;
	/* milliseconds with three decimals: the log line prints them as written */
	double ms = (double)((ns + 500) / 1000) / 1000.0;
	json_t *f = json_object();
	json_object_set_new(f, "request_id", jsonx_string_or_null(r->request_id));
	json_object_set_new(f, "method", jsonx_string_or_null(r->method_name[0] ? r->method_name : NULL));
	json_object_set_new(f, "route", jsonx_string_or_null(r->route ? r->route->name : NULL));
	json_object_set_new(f, "status", json_integer(code));
	json_object_set_new(f, "duration_ms", json_real(ms));
	json_object_set_new(f, "tenant", r->caller.tenant_id ? json_integer(r->caller.tenant_id) : json_null());
	json_object_set_new(f, "caller", r->caller.credential_id ? json_integer(r->caller.credential_id)
								  : json_null());
	log_event(LOG_INFO, "request", f);
}

static const struct http_hooks hooks = { confirm_caller, finished };

static void handle(const struct service *svc, const struct router *rt, FCGX_Request *fr, arena_t *a)
{
	struct request r;
	http_request_init(&r, a, svc);
	r.started_ns = now_ns();

	const char *uri = param(fr, "REQUEST_URI");
	http_request_parse(&r, param(fr, "REQUEST_METHOD"), uri ? uri : param(fr, "DOCUMENT_URI"),
			   param(fr, "HTTP_HOST"));
	r.content_type = http_request_header(&r, param(fr, "CONTENT_TYPE"));
	r.authorization = http_request_header(&r, param(fr, "HTTP_AUTHORIZATION"));
	r.if_match = http_request_header(&r, param(fr, "HTTP_IF_MATCH"));
	r.if_none_match = http_request_header(&r, param(fr, "HTTP_IF_NONE_MATCH"));
	r.request_id = http_request_header(&r, param(fr, "AUTHZD_REQUEST_ID"));
	r.remote_addr = param(fr, "REMOTE_ADDR");

	read_body(&r, fr, svc->cfg->max_body_bytes);
	http_dispatch(&r, rt, &hooks);
	/* on every answer, errors too, so a client can quote the id nginx and authzd logged */
	if (r.request_id != NULL)
		http_reply_header(&r, "X-Request-Id", r.request_id);

	size_t head_len;
	char *head = http_response_head(&r, &head_len);
	FCGX_PutStr(head, (int)head_len, fr->out);
	if (r.method != HTTP_HEAD && r.resp.body_len > 0)
		FCGX_PutStr(r.resp.body, (int)r.resp.body_len, fr->out);

	/* Read the rest of stdin (at least its empty closing record) so nothing is left
	 * unread, then close plainly: libfcgi's default close shuts down, then waits for
	 * nginx to hang up first, holding the worker for a round trip on every request. */
	char drain[4096];
	while (FCGX_GetStr(drain, sizeof(drain), fr->in) > 0)
		;
	FCGX_Detach(fr);
}

/* A reload starts each new worker and waits for this byte before it stops an old one. */
static void signal_ready(int ready_fd)
{
	if (ready_fd < 0)
		return;
	char b = 'r';
	ssize_t w = write(ready_fd, &b, 1);
	(void)w;
	close(ready_fd);
}

int worker_run(const struct config *cfg, const struct router *rt, int listen_fd, int ready_fd)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;          /* no SA_RESTART: a signal must break accept() */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);

	sigset_t stop_set, none;
	sigemptyset(&none);
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGINT);
	sigprocmask(SIG_SETMASK, &stop_set, NULL);

	struct service svc = { cfg, db_open(cfg->database_url) };
	arena_t *a = arena_create(ARENA_FIRST_BLOCK);
	FCGX_Request fr;
	if (FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_error("worker: FCGX_InitRequest failed");
		return 1;
	}
	/* The listening socket is shared: non-blocking, a worker that loses the race for a
	 * connection another took gets EAGAIN instead of blocking in accept(). */
	int fl = fcntl(listen_fd, F_GETFL);
	if (fl >= 0)
		fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK);
	signal_ready(ready_fd);
	log_debug("worker ready");
	while (!stop_requested) {
		/* SIGTERM is let in only while the worker waits (ppoll swaps the mask atomically):
		 * once a connection is accepted, reading its request cannot be interrupted, so a
		 * worker stopped by a reload never drops one it took. */
		struct pollfd pfd = { listen_fd, POLLIN, 0 };
		int ready = ppoll(&pfd, 1, NULL, &none);
		if (stop_requested)
			break;
		if (ready <= 0)
			continue;
		int rc = FCGX_Accept_r(&fr);
		if (rc < 0) {
			int e = rc < -1 ? -rc : errno;     /* libfcgi returns -errno */
			if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR)
				continue;      /* another worker took it */
			break;
		}
		handle(&svc, rt, &fr, a);
		FCGX_Finish_r(&fr);
		/* the response is out, so the token counts' write (once a second at most) holds
		 * up no answer; only the next request this worker takes may wait one round trip */
		db_token_flush_counts(svc.db, a, 0);
		count_db(svc.db);
		arena_reset(a);
	}
	FCGX_Finish_r(&fr);
	FCGX_Free(&fr, 0);
	db_token_flush_counts(svc.db, a, 1);
	arena_destroy(a);
	db_close(svc.db);
	log_debug("worker stopped");
	return 0;
}

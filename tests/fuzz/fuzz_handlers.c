/* fuzz_handlers: a whole request through http_dispatch over the real route table with the
 * real handlers, up to their first database call, as a worker whose database is down sees
 * it. Everything a handler reads from the client before it queries runs for real: the
 * Azure target and api-version checks, $top/$skip/$filter, path ids, every dialect's body
 * readers (servers, scopes, claims, clients, apps, the Venafi operations, the OneLogin token
 * endpoints' JSON and form bodies, the token service's forms, Basic credentials and
 * presented tokens) and the caller set-up; then the statement's arguments are formatted
 * and counted, and the call answers 503.
 *
 * The database: a connection to a socket that does not exist (db_open never fails; every
 * call gets ST_UNAVAILABLE). The secret box has a fixed test key, as secret_key_file gives. The environment's PG* and AUTHZD_* variables are cleared
 * first, so nothing can reach a real database.
 *
 * Input: lines ('\n'-separated): 0 method, 1 URI, 2 Host, 3 Content-Type, 4 Authorization,
 * 5 If-Match, then the body (the rest of the input, newlines included).
 *
 * Invariants: a complete response with a status from 200 to 599 and never 500 (no client
 * input is an internal error; a statement given the wrong number of arguments is one);
 * every error body is a JSON object; the head is CRLF-clean. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "core/service.h"
#include "db/db.h"
#include "fuzz_common.h"
#include "http/dispatch.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "routes.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS 7

extern char **environ;

static struct router *rt;
static struct config cfg;
static struct service svc;

static status_t confirm_caller(struct request *r)
{
	return db_caller_check(r->svc->db, r->arena, &r->caller);
}

static const struct http_hooks hooks = { confirm_caller, NULL };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* nothing from the caller's environment: no PGHOST/PGHOSTADDR/PGSERVICE, no
	 * AUTHZD_DATABASE_URL of a running stack */
	for (;;) {
		char **e;
		for (e = environ; *e != NULL; e++)
			if (strncmp(*e, "PG", 2) == 0 || strncmp(*e, "AUTHZD_", 7) == 0)
				break;
		if (*e == NULL)
			break;
		char name[256];
		size_t n = strcspn(*e, "=");
		snprintf(name, sizeof(name), "%.*s", (int)n, *e);
		unsetenv(name);
	}
	char err[256];
	if (config_load(&cfg, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_handlers: config: %s\n", err);
		abort();
	}
	log_set_level(LOG_ERROR);
	/* the worker loads secret_key_file: Azure secrets are sealed before the write */
	unsigned char key[32];
	memset(key, 0x5a, sizeof(key));
	if (secretbox_add_key(key) != 0)
		abort();
	svc.cfg = &cfg;
	/* a unix socket in a directory that cannot exist: every connect fails at once */
	svc.db = db_open("postgresql:///authzd_fuzz?host=/nonexistent/authzd-fuzz&port=1&connect_timeout=1"
			 "&user=authzd_fuzz&sslmode=disable");
	rt = routes_compile();
	if (rt == NULL)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[NFIELDS];
	size_t n = fuzz_split_lines(data, size, f, NFIELDS);
	(void)n;
	/* the body keeps its NULs and length: it is the bytes after the sixth newline */
	size_t off = 0, lines = 0;
	while (lines < NFIELDS - 1 && off < size) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		if (nl == NULL) {
			off = size;
			break;
		}
		off = (size_t)(nl - data) + 1;
		lines++;
	}
	size_t body_len = lines == NFIELDS - 1 ? size - off : 0;
	char *body = fuzz_strndup(data + off, body_len);

	arena_t *a = arena_create(0);
	struct request r;
	http_request_init(&r, a, &svc);
	http_request_parse(&r, f[0], f[1], f[2]);
	r.content_type = http_request_header(&r, f[3]);
	r.authorization = http_request_header(&r, f[4]);
	r.if_match = http_request_header(&r, f[5]);
	r.request_id = "0123456789abcdef0123456789abcdef";
	if (body_len > cfg.max_body_bytes) {
		r.body_too_large = 1;
	} else {
		r.body = body;
		r.body_len = body_len;
	}

	http_dispatch(&r, rt, &hooks);
	int status = r.resp.status;
	if (status < 200 || status > 599 || status == 500)
		fprintf(stderr, "==fuzz== %s %s answered %d: %.*s\n", r.method_name, r.path, status,
			(int)r.resp.body_len, r.resp.body ? r.resp.body : "");
	FUZZ_CHECK(status >= 200 && status <= 599);
	FUZZ_CHECK(status != 500);
	if (status >= 400) {
		json_t *v = fuzz_check_json_reply(&r);
		json_decref(v);
	}
	http_reply_header(&r, "X-Request-Id", r.request_id);
	size_t len = 0;
	char *head = http_response_head(&r, &len);
	FUZZ_CHECK(head != NULL && len == strlen(head) && len >= 4 && memcmp(head + len - 4, "\r\n\r\n", 4) == 0);
	for (size_t i = 0; i < len; i++) {
		if (head[i] == '\n')
			FUZZ_CHECK(i > 0 && head[i - 1] == '\r');
		if (head[i] == '\r')
			FUZZ_CHECK(i + 1 < len && head[i + 1] == '\n');
	}

	arena_destroy(a);
	free(body);
	fuzz_fields_free(f, NFIELDS);
	return 0;
}

/* bench/list_ceiling: the list ceiling of bench/run. The least a list endpoint can do on the
 * product's path: nginx -> FastCGI -> one prepared SELECT of 50 stored JSON documents -> one
 * response of the product page's size. No authentication, no arena, no JSON parsing: what a
 * list costs above this is authzd's own work.
 *
 *   list-ceiling SOCKET CONNINFO WORKERS
 *
 * listens on the unix socket SOCKET (nginx's location /bench-list-ceiling passes to it), forks
 * WORKERS processes that each hold one database connection (as authzd's workers do), and
 * answers `SELECT doc FROM bench_list_docs ORDER BY id LIMIT 50` as {"value":[doc,...]}.
 * bench/run creates the table and stops the program (SIGTERM to the parent stops all). */
#include <fcgiapp.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SQL "SELECT doc FROM bench_list_docs ORDER BY id LIMIT 50"

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* One worker: one connection, the statement prepared once, then accept until stopped. */
static int serve(int sock, const char *conninfo)
{
	PGconn *db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "list-ceiling: %s", PQerrorMessage(db));
		return 1;
	}
	PGresult *res = PQprepare(db, "page", PAGE_SQL, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "list-ceiling: %s", PQerrorMessage(db));
		return 1;
	}
	PQclear(res);

	FCGX_Request req;
	FCGX_InitRequest(&req, sock, 0);
	while (!stopping && FCGX_Accept_r(&req) == 0) {
		res = PQexecPrepared(db, "page", 0, NULL, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			FCGX_FPrintF(req.out, "Status: 503\r\nContent-Type: application/json\r\n\r\n{\"error\":\"db\"}");
		} else {
			size_t len = strlen("{\"value\":[]}");
			int n = PQntuples(res);
			for (int i = 0; i < n; i++)
				len += (size_t)PQgetlength(res, i, 0) + (i > 0);
			FCGX_FPrintF(req.out, "Status: 200\r\nContent-Type: application/json; charset=utf-8\r\n"
					      "Content-Length: %lu\r\n\r\n{\"value\":[", (unsigned long)len);
			for (int i = 0; i < n; i++) {
				if (i > 0)
					FCGX_PutChar(',', req.out);
				FCGX_PutStr(PQgetvalue(res, i, 0), PQgetlength(res, i, 0), req.out);
			}
			FCGX_PutS("]}", req.out);
		}
		PQclear(res);
		FCGX_Finish_r(&req);
	}
	PQfinish(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: list-ceiling SOCKET CONNINFO WORKERS\n");
		return 2;
	}
	int workers = atoi(argv[3]);
	if (workers < 1 || workers > 64) {
		fprintf(stderr, "list-ceiling: WORKERS must be 1..64\n");
		return 2;
	}
	unlink(argv[1]);
	if (FCGX_Init() != 0)
		return 1;
	mode_t old = umask(0);  /* nginx's workers run as another user */
	int sock = FCGX_OpenSocket(argv[1], 128);
	umask(old);
	if (sock < 0) {
		fprintf(stderr, "list-ceiling: cannot listen on %s\n", argv[1]);
		return 1;
	}
	struct sigaction sa = { .sa_handler = on_term };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	pid_t kids[64];
	for (int i = 0; i < workers; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(serve(sock, argv[2]));
	}
	while (!stopping)
		pause();
	for (int i = 0; i < workers; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);  /* they block in accept(): no request is lost that matters */
	while (wait(NULL) > 0)
		;
	unlink(argv[1]);
	return 0;
}

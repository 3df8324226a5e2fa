/* One worker process: accept FastCGI requests on the shared socket, one at a time. */
#ifndef AUTHZD_WORKER_H
#define AUTHZD_WORKER_H

struct config;
struct router;

/* Serves until SIGTERM/SIGINT, finishing the request in flight; returns the exit code. */
int worker_run(const struct config *cfg, const struct router *rt, int listen_fd);

#endif

/* One worker process: accept FastCGI requests on the shared socket, one at a time. */
#ifndef AUTHZD_WORKER_H
#define AUTHZD_WORKER_H

struct config;
struct router;

/* Serves until SIGTERM/SIGINT, finishing the request in flight; returns the exit code.
 * Once it can take requests it writes one byte to ready_fd and closes it (-1: none). */
int worker_run(const struct config *cfg, const struct router *rt, int listen_fd, int ready_fd);

#endif

/* The prefork master: keeps N workers alive and stops them gracefully. */
#ifndef AUTHZD_SUPERVISOR_H
#define AUTHZD_SUPERVISOR_H

struct config;
struct router;

/* Forks cfg->workers workers on listen_fd, respawns any that die, and on SIGTERM/SIGINT
 * stops them (in-flight requests finish) and returns 0. */
int supervisor_run(const struct config *cfg, const struct router *rt, int listen_fd);

#endif

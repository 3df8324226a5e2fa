/* The prefork master: keeps N workers alive, replaces them on SIGHUP, stops them gracefully. */
#ifndef AUTHZD_SUPERVISOR_H
#define AUTHZD_SUPERVISOR_H

#include <stddef.h>

struct config;
struct router;

/* Loads the configuration again for a reload into next: 0, or -1 with a message in err
 * (next is then still to be config_free'd). */
typedef int (*supervisor_load_fn)(struct config *next, char *err, size_t errlen);

/* Forks cfg->workers workers on listen_fd and respawns any that die. On SIGHUP it calls
 * load and, if that succeeds, replaces the workers one at a time with ones of the new
 * configuration (which then replaces *cfg; the settings read only at start are kept and
 * logged); otherwise it logs why and the running workers stay. On SIGTERM/SIGINT it stops
 * them (in-flight requests finish) and returns 0. */
int supervisor_run(struct config *cfg, supervisor_load_fn load, const struct router *rt, int listen_fd);

#endif

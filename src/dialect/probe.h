/* Liveness and readiness probes, and the plain error body for paths of no dialect. */
#ifndef AUTHZD_DIALECT_PROBE_H
#define AUTHZD_DIALECT_PROBE_H

#include "http/request.h"

status_t probe_healthz(struct request *r);
status_t probe_readyz(struct request *r);

#endif

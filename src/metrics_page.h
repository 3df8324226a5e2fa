/* GET /metrics: the shared counters (core/metrics) in Prometheus' text format 0.0.4, named
 * by the route table. Process layer: it is the one place that knows both. */
#ifndef AUTHZD_METRICS_PAGE_H
#define AUTHZD_METRICS_PAGE_H

#include "core/status.h"

struct request;

/* The handler of route ops.metrics: 403 unless the caller's address is in metrics_allow. */
status_t metrics_page(struct request *r);

#endif

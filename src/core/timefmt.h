/* Timestamps travel as microseconds since the epoch; dialects print them. */
#ifndef AUTHZD_TIMEFMT_H
#define AUTHZD_TIMEFMT_H

#include <stdint.h>

#include "core/arena.h"

enum timefmt_precision { TIMEFMT_SECONDS, TIMEFMT_MILLIS };

/* "2026-11-22T20:16:41Z" or "2026-11-22T20:16:41.475Z" (UTC) in the arena. */
char *timefmt_iso8601(arena_t *a, int64_t us, enum timefmt_precision precision);
/* The current time in microseconds since the epoch. */
int64_t timefmt_now_us(void);

#endif

/* ISO 8601 in UTC, the one format every dialect's timestamps use. */
#include "core/timefmt.h"

#include <time.h>

char *timefmt_iso8601(arena_t *a, int64_t us, enum timefmt_precision precision)
{
	time_t secs = (time_t)(us / 1000000);
	int64_t rem = us % 1000000;
	if (rem < 0) {
		secs -= 1;
		rem += 1000000;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	if (precision == TIMEFMT_SECONDS)
		return arena_sprintf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
				     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return arena_sprintf(a, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(rem / 1000));
}

int64_t timefmt_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The one table of every endpoint, and which dialect answers for paths outside it. */
#ifndef AUTHZD_ROUTES_H
#define AUTHZD_ROUTES_H

#include <stddef.h>

#include "http/router.h"

extern const struct route routes_table[];
extern const size_t routes_count;
extern const struct route_prefix routes_prefixes[];
extern const size_t routes_prefix_count;
/* Paths under no prefix: the plain dialect. */
extern const struct dialect *const routes_fallback;

/* The route table compiled with its prefixes (NULL on a bad pattern). */
struct router *routes_compile(void);

#endif

/* The one table of every endpoint, and which dialect answers for paths outside it. */
#ifndef AUTHZD_ROUTES_H
#define AUTHZD_ROUTES_H

#include <stddef.h>

#include "http/router.h"

extern const struct route routes_table[];
extern const size_t routes_count;

/* The dialect whose error body fits a path no route matched (by path prefix). */
const struct dialect *routes_dialect_for_path(const char *path);

/* Management scopes a route may require (credentials carry one or more). */
#define SCOPE_READ_ALL "Read All"
#define SCOPE_MANAGE_ALL "Manage All"
#define SCOPE_VENAFI_ADMIN "admin"

#endif

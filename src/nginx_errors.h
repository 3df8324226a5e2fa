/* The error bodies nginx sends itself (a bad request line, TRACE, an over-long URI, a
 * worker lost mid-request ...), rendered by authzd's own dialects so that even these are
 * JSON in the dialect of their path: `authzd --nginx-errors` prints the nginx snippet. */
#ifndef AUTHZD_NGINX_ERRORS_H
#define AUTHZD_NGINX_ERRORS_H

#include <stdio.h>

/* Writes the snippet (maps and named locations, included in the server block). */
int nginx_errors_print(FILE *out);

#endif

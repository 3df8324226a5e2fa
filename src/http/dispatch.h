/* From a parsed request to a finished response: route, handler, and the error path. */
#ifndef AUTHZD_HTTP_DISPATCH_H
#define AUTHZD_HTTP_DISPATCH_H

#include "http/request.h"
#include "http/router.h"

/* Always leaves a complete response in r->resp. */
void http_dispatch(struct request *r, const struct router *rt);

#endif

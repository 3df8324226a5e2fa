/* The dialects: each vendor's API shape. Each renders every error reaching a client of its
 * routes, so a client only ever sees its own vendor's error bodies. */
#ifndef AUTHZD_DIALECT_H
#define AUTHZD_DIALECT_H

#include "http/router.h"

extern const struct dialect dialect_onelogin;
extern const struct dialect dialect_onelogin_status;   /* /auth/oauth2 token endpoints */
extern const struct dialect dialect_azure;
extern const struct dialect dialect_venafi;
extern const struct dialect dialect_oauth;             /* the token service (RFC 6749 errors) */
extern const struct dialect dialect_plain;

#endif

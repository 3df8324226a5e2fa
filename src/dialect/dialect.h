/* A dialect is one vendor's API shape. Each renders every error reaching a client of its
 * routes, so a client only ever sees its own vendor's error bodies. */
#ifndef AUTHZD_DIALECT_H
#define AUTHZD_DIALECT_H

struct request;

struct dialect {
	const char *name;
	/* Renders r->err (status, message, field, details) as this dialect's status and body. */
	void (*reply_error)(struct request *r);
};

extern const struct dialect dialect_onelogin;
extern const struct dialect dialect_onelogin_status;   /* /auth/oauth2 token endpoints */
extern const struct dialect dialect_azure;
extern const struct dialect dialect_venafi;
extern const struct dialect dialect_plain;

#endif

/* Who a database call runs as. The db layer establishes the caller in the same round trip
 * as the call (a management token is checked there, a host resolves to its tenant there),
 * so domain SQL only ever reads "the caller's tenant". */
#ifndef AUTHZD_CALLER_H
#define AUTHZD_CALLER_H

#include <stdint.h>

#include "core/access.h"
#include "core/crypto.h"

enum caller_kind {
	CALLER_SERVICE = 0,    /* authzd itself: statements scoped by what they are given */
	CALLER_TOKEN,          /* a management request: bearer token + the access its route needs */
	CALLER_HOST,           /* a public endpoint: the tenant that claims the request's host */
	CALLER_TENANT,         /* an operator (authzctl) acting in a tenant it named */
};

struct caller {
	enum caller_kind kind;
	enum access need;                              /* CALLER_TOKEN */
	unsigned char token_hash[CRYPTO_SHA256_LEN];   /* CALLER_TOKEN: SHA-256 of the token */
	const char *host;                              /* CALLER_HOST, without a port */
	int64_t tenant_id;         /* CALLER_TENANT: given; otherwise filled once verified */
	int64_t credential_id;     /* filled once verified; 0 for none */
	int verified;              /* a statement of this request has established the caller */
};

#endif

/* A worker's short memory of token grants: what the token statement said for a client that
 * authenticated and got a token, kept for token_grant_cache_ms so that a client asking
 * again within that time costs no round trip. A client unlinked, deleted or given a new
 * secret is refused at most that long later by a worker that just served it; introspection
 * never reads this memory, so tokens it issued stop being active at once all the same. */
#ifndef AUTHZD_DIALECT_OAUTH_GRANTS_H
#define AUTHZD_DIALECT_OAUTH_GRANTS_H

#include "core/config.h"
#include "db/db_token.h"
#include "dialect/oauth.h"

/* The grant kept for this issuer, resource, client and secret, or NULL. Valid until the
 * next oauth_grant_keep. */
const struct token_grant *oauth_grant_find(const struct config *cfg, const struct oauth_issuer *is,
					   const char *resource, const struct oauth_client *c);
/* Keeps g (copied) for the same key. */
void oauth_grant_keep(const struct config *cfg, const struct oauth_issuer *is, const char *resource,
		      const struct oauth_client *c, const struct token_grant *g);

#endif

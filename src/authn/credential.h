/* Management credentials: minting a client id and secret for a tenant, with scopes. */
#ifndef AUTHZD_AUTHN_CREDENTIAL_H
#define AUTHZD_AUTHN_CREDENTIAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/status.h"

struct db;

struct credential_new {
	const char *client_id;      /* 32 hex */
	const char *client_secret;  /* 64 hex: 256 random bits, shown once, never stored */
	int64_t tenant_id;
};

/* Mints and stores a credential for tenant (which must exist: ST_NOT_FOUND) with the given
 * scopes. ttl_seconds 0 = the service default. ST_INVALID for an unknown scope or none. */
status_t credential_create(struct db *db, arena_t *a, const char *tenant,
			   const char *const *scopes, size_t nscopes, int ttl_seconds,
			   const char *description, struct credential_new *out);

#endif

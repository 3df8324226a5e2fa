/* Credential minting. The secret leaves this function once, to be shown to the operator;
 * only its SHA-256 goes to the database. */
#include "auth/credential.h"

#include <string.h>

#include "auth/crypto.h"
#include "db/db_auth.h"

static const char *const known_scopes[] = {
	"Authentication Only", "Read Users", "Manage Users", "Read All", "Manage All",
};

int credential_scope_known(const char *name)
{
	for (size_t i = 0; i < sizeof(known_scopes) / sizeof(known_scopes[0]); i++)
		if (strcmp(known_scopes[i], name) == 0)
			return 1;
	return 0;
}

status_t credential_create(struct db *db, arena_t *a, const char *tenant,
			   const char *const *scopes, size_t nscopes, int ttl_seconds,
			   const char *description, struct credential_new *out)
{
	if (nscopes == 0)
		return ST_INVALID;
	/* text[] literal; the names are from a fixed list, so no quoting is needed inside */
	size_t cap = 3;
	for (size_t i = 0; i < nscopes; i++) {
		if (!credential_scope_known(scopes[i]))
			return ST_INVALID;
		cap += strlen(scopes[i]) + 3;
	}
	char *lit = arena_alloc(a, cap);
	strcpy(lit, "{");
	for (size_t i = 0; i < nscopes; i++) {
		strcat(lit, i ? ",\"" : "\"");
		strcat(lit, scopes[i]);
		strcat(lit, "\"");
	}
	strcat(lit, "}");

	out->client_id = crypto_random_hex(a, 16);
	out->client_secret = crypto_random_hex(a, 32);
	return db_credential_create(db, a, tenant, out->client_id,
				    crypto_sha256_bytea(a, out->client_secret), lit, ttl_seconds,
				    description, &out->tenant_id);
}

/* Credential minting. The secret leaves this function once, to be shown to the operator;
 * only its SHA-256 goes to the database. */
#include "authn/credential.h"

#include "core/access.h"
#include "core/crypto.h"
#include "db/db_admin.h"

status_t credential_create(struct db *db, arena_t *a, const char *tenant,
			   const char *const *scopes, size_t nscopes, int ttl_seconds,
			   const char *description, struct credential_new *out)
{
	if (nscopes == 0)
		return ST_INVALID;
	for (size_t i = 0; i < nscopes; i++)
		if (!access_scope_known(scopes[i]))
			return ST_INVALID;
	unsigned char hash[CRYPTO_SHA256_LEN];
	out->client_id = crypto_random_hex(a, 16);
	out->client_secret = crypto_random_hex(a, 32);
	crypto_sha256_str(out->client_secret, hash);
	return db_credential_create(db, a, tenant, out->client_id, hash, scopes, nscopes, ttl_seconds,
				    description, &out->tenant_id);
}

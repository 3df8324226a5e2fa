/* Argon2id with OWASP's minimum for interactive logins: 19 MiB, 2 passes, 1 lane. */
#include "authn/password.h"

#include <string.h>

#include <argon2.h>
#include <openssl/rand.h>

#define T_COST 2
#define M_COST_KIB 19456
#define PARALLELISM 1
#define SALT_LEN 16
#define HASH_LEN 32

char *password_hash(arena_t *a, const char *password)
{
	unsigned char salt[SALT_LEN];
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return NULL;
	size_t len = argon2_encodedlen(T_COST, M_COST_KIB, PARALLELISM, SALT_LEN, HASH_LEN, Argon2_id);
	char *out = arena_alloc(a, len);
	if (argon2id_hash_encoded(T_COST, M_COST_KIB, PARALLELISM, password, strlen(password), salt,
				  SALT_LEN, HASH_LEN, out, len) != ARGON2_OK)
		return NULL;
	return out;
}

int password_verify(const char *encoded, const char *password)
{
	return encoded != NULL && strncmp(encoded, "$argon2id$", 10) == 0 &&
	       argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

void password_burn(const char *password)
{
	/* the same work as a verify: one hash at the same cost, thrown away */
	static const unsigned char salt[SALT_LEN] = "authzd-burnsalt";
	unsigned char out[HASH_LEN];
	(void)argon2id_hash_raw(T_COST, M_COST_KIB, PARALLELISM, password, strlen(password), salt,
				SALT_LEN, out, HASH_LEN);
}

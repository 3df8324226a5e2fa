/* Signing keys in a worker (oauth_keys.h). A kid names one key forever (it is the key's
 * thumbprint), so a cached key never goes stale: a rotation is a kid not cached yet, and a
 * retired key is one no statement names any more. */
#include "dialect/oauth_keys.h"

#include <string.h>

#include <openssl/crypto.h>

#include "core/log.h"
#include "core/secretbox.h"

/* Keys in use by one worker: a few per ring, for as many rings as its clients ask. When the
 * table fills, it is emptied and refilled by use (cheaper and simpler than tracking age). */
#define CACHE_SLOTS 2048
#define CACHE_MAX 1024

struct slot {
	int64_t issuer_id;           /* 0: empty */
	char kid[JOSE_KID_LEN + 1];
	jose_key *key;
};

static struct slot cache[CACHE_SLOTS];
static size_t cached;

/* The kid is already a SHA-256 thumbprint: its first bytes are as good as any hash. */
static size_t slot_of(const char *kid)
{
	uint64_t h = 0;
	for (int i = 0; i < 8 && kid[i]; i++)
		h = h << 6 | (unsigned char)kid[i];
	return (size_t)(h % CACHE_SLOTS);
}

static struct slot *find(const char *kid)
{
	for (size_t i = slot_of(kid), n = 0; n < CACHE_SLOTS; i = (i + 1) % CACHE_SLOTS, n++) {
		if (cache[i].issuer_id == 0)
			return NULL;
		if (strcmp(cache[i].kid, kid) == 0)
			return &cache[i];
	}
	return NULL;
}

void oauth_keys_clear(void)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		jose_key_free(cache[i].key);
		memset(&cache[i], 0, sizeof(cache[i]));
	}
	cached = 0;
}

/* Keeps key (which the cache then owns). */
static void keep(int64_t issuer_id, jose_key *key)
{
	const char *kid = jose_key_kid(key);
	if (find(kid) != NULL) {
		jose_key_free(key);
		return;
	}
	if (cached >= CACHE_MAX)
		oauth_keys_clear();
	size_t i = slot_of(kid);
	while (cache[i].issuer_id != 0)
		i = (i + 1) % CACHE_SLOTS;
	cache[i].issuer_id = issuer_id;
	memcpy(cache[i].kid, kid, JOSE_KID_LEN + 1);
	cache[i].key = key;
	cached++;
}

/* What a sealed private key is bound to: it opens only as that key of that ring. */
static const char *key_aad(arena_t *a, int64_t issuer_id, const char *kid)
{
	return arena_sprintf(a, "authzd signing key/%lld/%s", (long long)issuer_id, kid);
}

status_t oauth_key_make(arena_t *a, enum jose_alg alg, int64_t issuer_id, struct issuer_key *out, jose_key **key)
{
	unsigned char *der;
	size_t len;
	jose_key *k = jose_key_generate(alg);
	memset(out, 0, sizeof(*out));
	if (k == NULL || jose_key_private_der(a, k, &der, &len) != 0) {
		log_error("oauth: cannot make a %s key", jose_alg_name(alg));
		jose_key_free(k);
		return ST_INTERNAL;
	}
	out->kid = arena_strdup(a, jose_key_kid(k));
	out->alg = jose_alg_name(alg);
	json_t *jwk = jose_key_public_jwk(k);
	out->public_jwk = json_dumps(jwk, JSON_COMPACT);
	json_decref(jwk);
	arena_on_reset(a, free, (void *)out->public_jwk);
	int sealed = secretbox_seal(a, der, len, key_aad(a, issuer_id, out->kid), &out->sealed);
	OPENSSL_cleanse(der, len);
	if (sealed != 0) {
		log_error("oauth: cannot seal a signing key: no secret_key_file loaded");
		jose_key_free(k);
		return ST_INTERNAL;
	}
	if (key != NULL)
		*key = k;
	else
		jose_key_free(k);
	return ST_OK;
}

/* Opens a key of ring issuer_id and keeps it. */
static void open_key(arena_t *a, int64_t issuer_id, const struct issuer_key *row)
{
	enum jose_alg alg;
	size_t len = 0;
	unsigned char *der = (unsigned char *)secretbox_open(a, &row->sealed, key_aad(a, issuer_id, row->kid), &len);
	jose_key *k = der != NULL && jose_alg_parse(row->alg, &alg) == 0 ? jose_key_from_private_der(alg, der, len)
									   : NULL;
	if (der != NULL)
		OPENSSL_cleanse(der, len);
	if (k == NULL || strcmp(jose_key_kid(k), row->kid) != 0) {
		/* another secret key, or a row that was tampered with: this key cannot sign */
		log_error("oauth: signing key %s of ring %lld does not open", row->kid, (long long)issuer_id);
		jose_key_free(k);
		return;
	}
	keep(issuer_id, k);
}

/* Opens and keeps every live key of ring issuer_id the cache lacks. */
static status_t load_ring(struct db *db, arena_t *a, int64_t issuer_id)
{
	struct issuer_key *keys;
	size_t n;
	status_t st = db_issuer_keys(db, a, issuer_id, &keys, &n);
	for (size_t i = 0; st == ST_OK && i < n; i++)
		if (find(keys[i].kid) == NULL)
			open_key(a, issuer_id, &keys[i]);
	return st;
}

static int kid_ok(const char *kid)
{
	return kid != NULL && strlen(kid) == JOSE_KID_LEN;
}

const jose_key *oauth_ring_key(struct db *db, arena_t *a, int64_t issuer_id, const char *kid, status_t *st)
{
	*st = ST_OK;
	if (issuer_id == 0 || !kid_ok(kid))
		return NULL;
	struct slot *s = find(kid);
	if (s == NULL && (*st = load_ring(db, a, issuer_id)) == ST_OK)
		s = find(kid);
	return s != NULL && s->issuer_id == issuer_id ? s->key : NULL;
}

const jose_key *oauth_key_by_kid(struct db *db, arena_t *a, const char *kid, int64_t *issuer_id, status_t *st)
{
	struct issuer_key row;
	*st = ST_OK;
	*issuer_id = 0;
	if (!kid_ok(kid))
		return NULL;
	struct slot *s = find(kid);
	if (s == NULL) {
		int64_t ring;
		*st = db_key_by_kid(db, a, kid, &ring, &row);
		/* no such key (its server deleted): nothing to open, and row was never filled */
		if (*st == ST_NOT_FOUND)
			*st = ST_OK;
		else if (*st == ST_OK)
			open_key(a, ring, &row);
		if (*st != ST_OK)
			return NULL;
		s = find(kid);
	}
	if (s == NULL)
		return NULL;
	*issuer_id = s->issuer_id;
	return s->key;
}

/* Adds a new key to the ring: the first (signing now) or the next one. Losing the race to
 * another worker is as good as winning it. */
static status_t add_key(struct db *db, arena_t *a, const struct config *cfg, int64_t issuer_id, const char *alg_name,
			int first)
{
	enum jose_alg alg;
	struct issuer_key key;
	int added;
	if (alg_name == NULL || jose_alg_parse(alg_name, &alg) != 0)
		(void)jose_alg_parse(cfg->token_signing_alg, &alg);
	status_t st = oauth_key_make(a, alg, issuer_id, &key, NULL);
	if (st != ST_OK)
		return st;
	return db_issuer_add_key(db, a, issuer_id, first, &key, (int64_t)cfg->token_key_rotation_days * 86400,
				 2 * (int64_t)cfg->token_jwks_max_age, &added);
}

status_t oauth_ring_make(struct db *db, arena_t *a, const struct config *cfg, int64_t server_id, int64_t tenant_id,
			 const char *host, const char *alg, int64_t *issuer_id)
{
	status_t st;
	if (alg == NULL)
		alg = cfg->token_signing_alg;
	if ((st = db_issuer_ensure(db, a, server_id, tenant_id, host, alg, issuer_id)) != ST_OK ||
	    (st = add_key(db, a, cfg, *issuer_id, alg, 1)) != ST_OK)
		return st;
	return add_key(db, a, cfg, *issuer_id, alg, 0);
}

status_t oauth_ring_ready(struct db *db, arena_t *a, const struct config *cfg, int64_t server_id, const char *host,
			  int64_t *issuer_id, const char *ring_alg, const char *current_kid, const char *next_kid,
			  const jose_key **signer)
{
	status_t st = ST_OK;
	*signer = NULL;
	if (*issuer_id == 0 || current_kid == NULL) {
		/* a ring's first use: make it with a current and a next key (whoever adds first wins) */
		struct issuer_key *keys;
		size_t n;
		if ((st = oauth_ring_make(db, a, cfg, server_id, 0, host, ring_alg, issuer_id)) != ST_OK ||
		    (st = db_issuer_keys(db, a, *issuer_id, &keys, &n)) != ST_OK)
			return st;
		for (size_t i = 0; i < n; i++)
			if (keys[i].state == KEY_CURRENT)
				current_kid = keys[i].kid;
		next_kid = "";
	}
	if (next_kid == NULL && (st = add_key(db, a, cfg, *issuer_id, ring_alg, 0)) != ST_OK)
		return st;
	*signer = oauth_ring_key(db, a, *issuer_id, current_kid, &st);
	if (*signer == NULL && st == ST_OK) {
		log_error("oauth: ring %lld has no key that signs", (long long)*issuer_id);
		st = ST_INTERNAL;
	}
	return st;
}

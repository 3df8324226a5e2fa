/* Token grants a worker remembers (oauth_grants.h): a small table, each entry with its own
 * arena holding its copy, the oldest replaced first. */
#include "dialect/oauth_grants.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"

#define GRANTS 256

struct entry {
	char *key;                   /* in the entry's arena; NULL: empty */
	int64_t expires_ms;
	arena_t *arena;
	struct token_grant g;
};

static struct entry grants[GRANTS];
static size_t next_slot;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define KEY_MAX 1024

/* issuer, resource, client id and the secret's digest: what the statement was asked, into
 * key (KEY_MAX bytes); 0 if it does not fit (such a request is never remembered). */
static int key_of(char *key, const struct oauth_issuer *is, const char *resource, const struct oauth_client *c)
{
	int n = snprintf(key, KEY_MAX, "%lld\n%s\n%s\n%s\n", (long long)is->server_id,
			 is->server_id ? "" : (is->host ? is->host : ""), resource ? resource : "\x01", c->id);
	if (n < 0 || n + 2 * CRYPTO_SHA256_LEN >= KEY_MAX)
		return 0;
	for (int i = 0; i < CRYPTO_SHA256_LEN; i++)
		snprintf(key + n + 2 * i, 3, "%02x", c->hash[i]);
	return 1;
}

const struct token_grant *oauth_grant_find(const struct config *cfg, const struct oauth_issuer *is,
					   const char *resource, const struct oauth_client *c)
{
	char key[KEY_MAX];
	if (cfg->token_grant_cache_ms <= 0 || !key_of(key, is, resource, c))
		return NULL;
	int64_t now = now_ms();
	for (size_t i = 0; i < GRANTS; i++)
		if (grants[i].key != NULL && grants[i].expires_ms > now && strcmp(grants[i].key, key) == 0)
			return &grants[i].g;
	return NULL;
}

static const char *copy(arena_t *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static void copy_list(arena_t *a, struct strlist *to, const struct strlist *from)
{
	to->n = from->n;
	to->items = arena_alloc(a, (from->n ? from->n : 1) * sizeof(char *));
	for (size_t i = 0; i < from->n; i++)
		to->items[i] = arena_strdup(a, from->items[i]);
}

void oauth_grant_keep(const struct config *cfg, const struct oauth_issuer *is, const char *resource,
		      const struct oauth_client *c, const struct token_grant *g)
{
	char key[KEY_MAX];
	if (cfg->token_grant_cache_ms <= 0 || !key_of(key, is, resource, c))
		return;
	struct entry *e = &grants[next_slot];
	next_slot = (next_slot + 1) % GRANTS;
	if (e->arena == NULL)
		e->arena = arena_create(1024);
	else
		arena_reset(e->arena);
	arena_t *a = e->arena;
	e->key = arena_strdup(a, key);
	e->expires_ms = now_ms() + cfg->token_grant_cache_ms;
	e->g = *g;
	e->g.resource_identifier = copy(a, g->resource_identifier);
	e->g.default_scope = copy(a, g->default_scope);
	e->g.issuer_alg = copy(a, g->issuer_alg);
	e->g.current_kid = copy(a, g->current_kid);
	e->g.next_kid = copy(a, g->next_kid);
	e->g.azure_binding = NULL;
	memset(&e->g.azure_secret, 0, sizeof(e->g.azure_secret));
	copy_list(a, &e->g.audiences, &g->audiences);
	copy_list(a, &e->g.scopes, &g->scopes);
}

/* The token service's statements (src/db/sql/{token,issuer,keys}_*.sql, sql/api/70_tokens.sql):
 * client authentication at the token, introspection and revocation endpoints, the key
 * rings, and what an issuer publishes. A server is named by id; 0 means the tenant issuer
 * of the request's host (OneLogin's /oidc/2 paths). Secrets arrive as SHA-256 digests. */
#ifndef AUTHZD_DB_TOKEN_H
#define AUTHZD_DB_TOKEN_H

#include <stdint.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/secretbox.h"
#include "db/db.h"
#include "model/server.h"

/* How a client fared (api.token_client). */
enum token_outcome {
	TOKEN_OK,
	TOKEN_CHECK_SECRET,      /* the server's own client: open azure_secret and compare */
	TOKEN_THROTTLED,         /* retry_after seconds */
	TOKEN_INVALID_CLIENT,    /* unknown client or wrong secret (already counted) */
	TOKEN_NO_SERVER,
	TOKEN_UNLINKED,          /* the client is not linked to the server */
	TOKEN_NOT_YOURS,         /* revocation of another client's token */
};

/* Why a known client gets no token. */
enum token_refusal {
	TOKEN_GRANTED = 0,
	TOKEN_NO_GRANT,          /* the server does not allow client_credentials */
	TOKEN_NO_TARGET,         /* no linked server matches the resource */
	TOKEN_AMBIGUOUS,         /* several do */
};

struct token_grant {
	enum token_outcome outcome;
	enum token_refusal refusal;
	int retry_after;
	int64_t tenant_id;
	int64_t server_id;
	const char *resource_identifier;     /* NULL when the server has none */
	struct strlist audiences;
	int ttl_minutes;
	int scopes_set;                      /* an application: scopes is what its link grants */
	struct strlist scopes;
	const char *default_scope;           /* the server's own client: its default scope */
	struct sealed azure_secret;          /* TOKEN_CHECK_SECRET: the sealed client secret */
	const char *azure_binding;           /* ... and what it is bound to */
	int tenant_host;                     /* the host is a tenant's own name */
	int64_t issuer_id;                   /* 0 until the ring is made */
	const char *issuer_alg;              /* the algorithm of the ring's new keys */
	const char *current_kid, *next_kid;  /* NULL when there is none */
};

status_t db_token_request(struct db *db, arena_t *a, int64_t server_id, const char *host, const char *resource,
			  const char *client_id, const unsigned char hash[CRYPTO_SHA256_LEN], struct token_grant *out);
/* What the token statement would say for client_id at server server_id of the caller's
 * tenant, had the client authenticated (the console's token preview): out as
 * db_token_request fills it, *current_alg the algorithm of the key that would sign (NULL
 * before the ring is made). Nothing is written. ST_NOT_FOUND: no such server. */
status_t db_token_preview(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, const char *client_id,
			  struct token_grant *out, const char **current_alg);
/* The server's own client sent a wrong secret: counted toward its throttle. */
status_t db_token_secret_failed(struct db *db, arena_t *a, int64_t server_id, const char *client_id);
/* A client of tenant_id failed to authenticate at the token endpoint (TOKEN_INVALID_CLIENT
 * from db_token_request): counted toward its throttle. */
status_t db_token_client_failed(struct db *db, arena_t *a, int64_t tenant_id, const char *client_id);

/* The caller of an introspection or revocation, and the token's state. */
struct token_check {
	enum token_outcome outcome;
	int retry_after;
	int64_t tenant_id;                   /* introspection only */
	int64_t issuer_id;
	int active;                          /* not revoked, server there, client still linked */
	struct sealed azure_secret;
	const char *azure_binding;
	int tenant_host;
};
/* The token the worker verified with a key of ring key_issuer (0: with none) is of server
 * token_server, client token_client, jti. */
struct token_claims {
	int64_t key_issuer;
	int64_t server_id;
	const char *client_id, *jti;
	int64_t expires_us;
};
/* Introspection (revoke 0: out->active says whether the token is still active; a failed
 * authentication is for the caller to count, db_token_client_failed) or revocation (revoke
 * 1: the caller's own token is revoked; TOKEN_NOT_YOURS for another client's, and one of
 * another ring changes nothing; a failed authentication is counted) of token, by the caller
 * client_id. */
status_t db_token_inspect(struct db *db, arena_t *a, int revoke, int64_t server_id, const char *host,
			  const char *client_id, const unsigned char hash[CRYPTO_SHA256_LEN],
			  const struct token_claims *token, struct token_check *out);
/* The revocation alone, once the worker has authenticated the server's own client. */
status_t db_token_revoke_record(struct db *db, arena_t *a, int64_t issuer_id, const char *jti,
				const char *client_id, int64_t expires_us);

/* ---- key rings ----------------------------------------------------------------------- */

enum key_state { KEY_NEXT, KEY_CURRENT, KEY_PREVIOUS };

struct issuer_key {
	const char *kid, *alg;
	enum key_state state;
	const char *public_jwk;              /* JSON text */
	struct sealed sealed;                /* PKCS#8, sealed; empty for db_keys_list */
	int64_t published_us, signs_from_us;
};

/* A live key by kid, with its ring in issuer_id; ST_NOT_FOUND if none. */
status_t db_key_by_kid(struct db *db, arena_t *a, const char *kid, int64_t *issuer_id, struct issuer_key *out);
/* The live keys of an issuer, newest first. */
status_t db_issuer_keys(struct db *db, arena_t *a, int64_t issuer_id, struct issuer_key **out, size_t *n);
/* The ring of server_id (0: of tenant_id; 0: of the tenant of host), made with alg if new:
 * *issuer_id. ST_NOT_FOUND without such a server or tenant. */
status_t db_issuer_ensure(struct db *db, arena_t *a, int64_t server_id, int64_t tenant_id, const char *host,
			  const char *alg, int64_t *issuer_id);
/* Adds key to ring issuer_id. first: only into an empty ring, signing now; else only if the
 * ring has no next key, signing period seconds after the current key began and at least
 * min_published seconds from now. *added: whether this key went in (another worker may
 * have won). */
status_t db_issuer_add_key(struct db *db, arena_t *a, int64_t issuer_id, int first, const struct issuer_key *key,
			   int64_t period, int64_t min_published, int *added);

/* What an issuer publishes. found: 0 without such a server. keys: NULL until the ring is
 * made, else the JSON array of its public JWKs. */
struct issuer_public {
	int found;
	int64_t tenant_id, issuer_id;
	const char *keys, *algs, *scopes;    /* JSON arrays */
	int client_credentials;
	int tenant_host;
};
status_t db_issuer_public(struct db *db, arena_t *a, int64_t server_id, const char *host,
			  struct issuer_public *out);

/* ---- issuance counts (token_issuance_daily) ------------------------------------------- */

/* Counts one token issued by server_id with alg, in this process's memory (no round trip).
 * Should the memory be full (more distinct server, day and algorithm triples than it holds
 * within a second), it is flushed first. */
void db_token_count_issued(struct db *db, arena_t *a, int64_t server_id, const char *alg);
/* Adds the counts to token_issuance_daily with one statement, if there are any and either
 * force is set (a worker's exit) or a second has passed since the last flush; a worker calls
 * it after each response went out. A failed flush keeps the counts for the next one. A
 * worker killed outright loses what it had not flushed (at most about a second's worth). */
status_t db_token_flush_counts(struct db *db, arena_t *a, int force);

/* ---- authzctl ------------------------------------------------------------------------ */

struct key_rotation {
	const char *promoted_kid;            /* NULL: there was no next key */
	int64_t promoted_from_us;
	const char *next_kid;
	int64_t next_from_us;
};
/* The ring of server_id (0: of tenant_id) and its algorithm; *issuer_id 0 if it has none yet. */
status_t db_issuer_lookup(struct db *db, arena_t *a, int64_t server_id, int64_t tenant_id, int64_t *issuer_id,
			  const char **alg);
/* Ring issuer_id's next key signs once published min_published seconds, new_next (sealed)
 * signs period seconds after. alg NULL: the ring keeps its algorithm. */
status_t db_issuer_rotate(struct db *db, arena_t *a, int64_t issuer_id, const char *alg, int64_t min_published,
			  int64_t period, const struct issuer_key *new_next, struct key_rotation *out);
/* The live keys of a ring without their sealed parts. */
status_t db_keys_list(struct db *db, arena_t *a, int64_t server_id, int64_t tenant_id, struct issuer_key **out,
		      size_t *n);

struct server_issuer {
	int64_t id;
	const char *tenant, *name, *dialect;
	const char *resource_name;           /* Azure's name for it; NULL for others */
};
/* Every server (of tenant, NULL: of all), oldest first. */
status_t db_server_issuers(struct db *db, arena_t *a, const char *tenant, struct server_issuer **out, size_t *n);

#endif

/* Service configuration: a `key = value` file, then AUTHZD_<KEY> environment overrides. */
#ifndef AUTHZD_CONFIG_H
#define AUTHZD_CONFIG_H

#include <stddef.h>

struct config {
	char *database_url;
	char *socket;
	int socket_mode;
	int workers;
	int listen_backlog;
	size_t max_body_bytes;
	int log_level;               /* enum log_level */
	char *log_file;              /* NULL: stderr as it is */
	char *metrics_allow;         /* who may GET /metrics: addresses and CIDR blocks; NULL: nobody */
	char *pid_file;
	char *sql_dir;
	char *secret_key_file;
	int access_token_ttl_seconds;
	int shutdown_grace_seconds;
	char *public_url;            /* "https://auth.example.com": absolute links, issuers */
	/* the token service */
	char *token_signing_alg;     /* of new key rings: RS256, ES256 or EdDSA */
	int token_key_rotation_days; /* a key signs this long before the next one takes over */
	int token_jwks_max_age;      /* seconds JWKS and metadata may be cached */
	int token_grant_cache_ms;    /* how long a worker remembers a client's grant (0: never) */
};

/* Fills defaults, reads path (NULL: only defaults and environment), applies the environment.
 * Returns 0, or -1 with a message in err. Strings are malloc'd; config_free releases them. */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);
/* Applies one key; exposed for tests. */
int config_set(struct config *cfg, const char *key, const char *value, char *err, size_t errlen);
/* For a reload: copies the keys read only at start (socket, socket_mode, listen_backlog,
 * pid_file) from old into next, so next describes what keeps running, and lists in changed
 * the names of those that differed ("" if none). */
void config_keep_restart_only(const struct config *old, struct config *next, char *changed, size_t len);
void config_free(struct config *cfg);

#endif

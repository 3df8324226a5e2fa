/* Configuration parsing. Unknown keys are errors so a typo never silently means a default. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"

enum key_type { K_STRING, K_INT, K_OCTAL, K_SIZE, K_LOGLEVEL, K_URL, K_CHOICE, K_ADDRESSES };

struct key_def {
	const char *name;
	enum key_type type;
	size_t offset;
	long min, max;
	const char *const *choices;     /* K_CHOICE: the values allowed, NULL-terminated */
};

static const char *const signing_algs[] = { "RS256", "ES256", "EdDSA", NULL };

#define OFF(f) offsetof(struct config, f)
static const struct key_def keys[] = {
	{ "database_url", K_STRING, OFF(database_url), 0, 0, NULL },
	{ "socket", K_STRING, OFF(socket), 0, 0, NULL },
	{ "socket_mode", K_OCTAL, OFF(socket_mode), 0, 0777, NULL },
	{ "workers", K_INT, OFF(workers), 1, 256, NULL },
	{ "listen_backlog", K_INT, OFF(listen_backlog), 1, 65535, NULL },
	{ "max_body_bytes", K_SIZE, OFF(max_body_bytes), 1024, 64L * 1024 * 1024, NULL },
	{ "log_level", K_LOGLEVEL, OFF(log_level), 0, 0, NULL },
	{ "log_file", K_STRING, OFF(log_file), 0, 0, NULL },
	{ "metrics_allow", K_ADDRESSES, OFF(metrics_allow), 0, 0, NULL },
	{ "pid_file", K_STRING, OFF(pid_file), 0, 0, NULL },
	{ "sql_dir", K_STRING, OFF(sql_dir), 0, 0, NULL },
	{ "secret_key_file", K_STRING, OFF(secret_key_file), 0, 0, NULL },
	{ "access_token_ttl_seconds", K_INT, OFF(access_token_ttl_seconds), 1, 30 * 86400, NULL },
	{ "shutdown_grace_seconds", K_INT, OFF(shutdown_grace_seconds), 1, 3600, NULL },
	{ "public_url", K_URL, OFF(public_url), 0, 0, NULL },
	{ "token_signing_alg", K_CHOICE, OFF(token_signing_alg), 0, 0, signing_algs },
	{ "token_key_rotation_days", K_INT, OFF(token_key_rotation_days), 1, 3650, NULL },
	{ "token_jwks_max_age", K_INT, OFF(token_jwks_max_age), 0, 86400, NULL },
	{ "token_grant_cache_ms", K_INT, OFF(token_grant_cache_ms), 0, 60000, NULL },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Read only at start (main opens the socket and writes the pid file once): a reload keeps
 * them. Strings or ints only (config_keep_restart_only copies them). */
static const char *const restart_keys[] = { "socket", "socket_mode", "listen_backlog", "pid_file", NULL };

static int restart_only(const char *name)
{
	for (const char *const *r = restart_keys; *r != NULL; r++)
		if (strcmp(*r, name) == 0)
			return 1;
	return 0;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (p == NULL)
		abort();
	return p;
}

static void set_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->database_url = xstrdup("postgresql:///authzd");
	cfg->socket = xstrdup("/tmp/authzd.sock");
	cfg->socket_mode = 0660;
	/* Four workers a core: a worker waits on PostgreSQL for most of a request, and writes
	 * gain from more commits in flight (bench/README.md has the measurements). */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	cfg->workers = cores > 0 ? (int)(cores * 4 > 64 ? 64 : cores * 4) : 8;
	cfg->listen_backlog = 1024;
	cfg->max_body_bytes = 1024 * 1024;
	cfg->log_level = LOG_INFO;
	/* nginx on the same machine, or a Prometheus scraping through a local nginx */
	cfg->metrics_allow = xstrdup("127.0.0.0/8 ::1");
	cfg->sql_dir = xstrdup(AUTHZD_SQL_DIR);
	cfg->access_token_ttl_seconds = 36000;
	cfg->shutdown_grace_seconds = 30;
	cfg->public_url = xstrdup("https://localhost");
	/* RS256: what every resource server library accepts */
	cfg->token_signing_alg = xstrdup("RS256");
	cfg->token_key_rotation_days = 90;
	cfg->token_jwks_max_age = 300;
	cfg->token_grant_cache_ms = 1000;
}

int config_set(struct config *cfg, const char *key, const char *value, char *err, size_t errlen)
{
	const struct key_def *k = NULL;
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].name, key) == 0) {
			k = &keys[i];
			break;
		}
	}
	if (k == NULL) {
		snprintf(err, errlen, "unknown configuration key '%s'", key);
		return -1;
	}
	void *field = (char *)cfg + k->offset;
	char *end = NULL;
	long v = 0;
	struct metrics_allow allow;
	char msg[200];
	switch (k->type) {
	case K_ADDRESSES:
		/* checked here, kept as written: the handler parses it again, a few entries */
		if (metrics_allow_parse(value, &allow, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s: %s", key, msg);
			return -1;
		}
		__attribute__((fallthrough));
	case K_STRING:
		free(*(char **)field);
		*(char **)field = value[0] ? xstrdup(value) : NULL;
		return 0;
	case K_URL: {
		/* an absolute http(s) base without a trailing slash: links append paths to it */
		size_t n = strlen(value);
		while (n > 0 && value[n - 1] == '/')
			n--;
		if ((strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0) ||
		    n <= (size_t)(value[4] == 's' ? 8 : 7) || strpbrk(value, " \t\"'<>") != NULL) {
			snprintf(err, errlen, "%s: '%s' is not an absolute http(s) URL", key, value);
			return -1;
		}
		free(*(char **)field);
		char *url = xstrdup(value);
		url[n] = '\0';
		*(char **)field = url;
		return 0;
	}
	case K_CHOICE:
		for (const char *const *c = k->choices; *c != NULL; c++) {
			if (strcmp(*c, value) == 0) {
				free(*(char **)field);
				*(char **)field = xstrdup(value);
				return 0;
			}
		}
		snprintf(err, errlen, "%s: '%s' is not one of RS256, ES256, EdDSA", key, value);
		return -1;
	case K_LOGLEVEL: {
		enum log_level lvl;
		if (log_level_parse(value, &lvl) != 0) {
			snprintf(err, errlen, "%s: expected debug, info, warn or error", key);
			return -1;
		}
		*(int *)field = (int)lvl;
		return 0;
	}
	case K_INT:
	case K_OCTAL:
	case K_SIZE:
		errno = 0;
		v = strtol(value, &end, k->type == K_OCTAL ? 8 : 10);
		if (errno != 0 || end == value || *end != '\0' || v < k->min || v > k->max) {
			snprintf(err, errlen, "%s: '%s' is not a number in %ld..%ld", key, value,
				 k->min, k->max);
			return -1;
		}
		if (k->type == K_SIZE)
			*(size_t *)field = (size_t)v;
		else
			*(int *)field = (int)v;
		return 0;
	}
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int load_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = 0;
	char line[4096];
	int lineno = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			rc = -1;
			goto out;
		}
		*eq = '\0';
		char msg[256];
		if (config_set(cfg, trim(s), trim(eq + 1), msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			rc = -1;
			goto out;
		}
	}
out:
	fclose(f);
	return rc;
}

static int load_env(struct config *cfg, char *err, size_t errlen)
{
	for (size_t i = 0; i < NKEYS; i++) {
		char name[64] = "AUTHZD_";
		size_t n = strlen(name);
		for (const char *p = keys[i].name; *p && n < sizeof(name) - 1; p++)
			name[n++] = (char)toupper((unsigned char)*p);
		name[n] = '\0';
		const char *v = getenv(name);
		if (v == NULL)
			continue;
		char msg[256];
		if (config_set(cfg, keys[i].name, v, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "environment %s: %s", name, msg);
			return -1;
		}
	}
	return 0;
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	set_defaults(cfg);
	if (path != NULL && load_file(cfg, path, err, errlen) != 0)
		return -1;
	return load_env(cfg, err, errlen);
}

static int same_value(const struct key_def *k, const struct config *a, const struct config *b)
{
	const void *fa = (const char *)a + k->offset, *fb = (const char *)b + k->offset;
	switch (k->type) {
	case K_STRING:
	case K_URL:
	case K_CHOICE: {
		const char *sa = *(char *const *)fa, *sb = *(char *const *)fb;
		return sa == sb || (sa != NULL && sb != NULL && strcmp(sa, sb) == 0);
	}
	case K_SIZE:
		return *(const size_t *)fa == *(const size_t *)fb;
	default:
		return *(const int *)fa == *(const int *)fb;
	}
}

void config_keep_restart_only(const struct config *old, struct config *next, char *changed, size_t len)
{
	size_t used = 0;
	changed[0] = '\0';
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key_def *k = &keys[i];
		if (!restart_only(k->name) || same_value(k, old, next))
			continue;
		int n = snprintf(changed + used, len - used, "%s%s", used ? ", " : "", k->name);
		if (n > 0 && (size_t)n < len - used)
			used += (size_t)n;
		void *dst = (char *)next + k->offset;
		const void *src = (const char *)old + k->offset;
		if (k->type == K_STRING) {
			const char *v = *(char *const *)src;
			free(*(char **)dst);
			*(char **)dst = v != NULL ? xstrdup(v) : NULL;
		} else {
			*(int *)dst = *(const int *)src;
		}
	}
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < NKEYS; i++) {
		if (keys[i].type == K_STRING || keys[i].type == K_URL || keys[i].type == K_CHOICE ||
		    keys[i].type == K_ADDRESSES) {
			char **p = (char **)((char *)cfg + keys[i].offset);
			free(*p);
			*p = NULL;
		}
	}
}

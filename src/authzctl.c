/* authzctl: administration from the shell: migrations, management credentials and
 * Venafi identities. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "arena.h"
#include "auth/credential.h"
#include "auth/password.h"
#include "auth/venafi_scope.h"
#include "config.h"
#include "db/db.h"
#include "db/db_auth.h"
#include "db/migrate.h"
#include "db/db_venafi.h"
#include "log.h"

#define MAX_SCOPES 8

static void usage(FILE *f)
{
	fprintf(f,
		"usage: authzctl [-c CONFIG] COMMAND\n"
		"commands:\n"
		"  migrate [DIR]                       apply the SQL migrations (default: sql_dir)\n"
		"  credentials create --tenant T --scope S [--scope S...] [--token-ttl SECONDS]\n"
		"                     [--description TEXT] [--json]\n"
		"                                      mint a management credential; the secret is\n"
		"                                      printed once and never stored\n"
		"  credentials list [--tenant T]       list credentials (never secrets)\n"
		"  credentials revoke CLIENT_ID        revoke a credential and all its tokens\n"
		"  identities create --tenant T --username U --max-scope SCOPE (--password-stdin | --password P)\n"
		"                                      a Venafi identity (local user); Argon2id hash only\n"
		"  identities list [--tenant T]        list identities (never hashes)\n"
		"  identities disable --tenant T --username U\n"
		"                                      disable it; its tokens stop working at once\n"
		"scopes: \"Authentication Only\", \"Read Users\", \"Manage Users\", \"Read All\", \"Manage All\"\n");
}

static int credentials_create(struct db *db, arena_t *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tenant", required_argument, NULL, 't' }, { "scope", required_argument, NULL, 's' },
		{ "token-ttl", required_argument, NULL, 'l' }, { "description", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' }, { NULL, 0, NULL, 0 },
	};
	const char *tenant = NULL, *description = NULL, *scopes[MAX_SCOPES];
	size_t nscopes = 0;
	int ttl = 0, json = 0, opt;
	optind = 0;     /* glibc: full re-initialisation for the sub-command */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 't': tenant = optarg; break;
		case 'd': description = optarg; break;
		case 'j': json = 1; break;
		case 'l': ttl = atoi(optarg); break;
		case 's':
			if (nscopes == MAX_SCOPES || !credential_scope_known(optarg)) {
				fprintf(stderr, "authzctl: unknown scope '%s'\n", optarg);
				return 2;
			}
			scopes[nscopes++] = optarg;
			break;
		default: return 2;
		}
	}
	if (tenant == NULL || nscopes == 0 || ttl < 0) {
		fprintf(stderr, "authzctl: credentials create needs --tenant and at least one --scope\n");
		return 2;
	}
	struct credential_new c;
	status_t st = credential_create(db, a, tenant, scopes, nscopes, ttl, description, &c);
	if (st != ST_OK) {
		fprintf(stderr, "authzctl: could not create the credential (%s)\n",
			status_reason(status_http_code(st)));
		return 1;
	}
	if (json) {
		json_t *o = json_pack("{s:s,s:s}", "client_id", c.client_id, "client_secret",
				      c.client_secret);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else {
		printf("client_id:     %s\nclient_secret: %s\ntenant:        %s\n"
		       "The secret is shown only now; store it safely.\n",
		       c.client_id, c.client_secret, tenant);
	}
	return 0;
}

static int credentials_list(struct db *db, arena_t *a, int argc, char **argv)
{
	const char *tenant = NULL;
	if (argc == 3 && strcmp(argv[1], "--tenant") == 0)
		tenant = argv[2];
	else if (argc != 1) {
		usage(stderr);
		return 2;
	}
	status_t st;
	PGresult *res = db_credential_list(db, a, tenant, &st);
	if (res == NULL)
		return 1;
	printf("%-32s  %-16s  %-24s  %-24s  %-24s  %s\n", "client_id", "tenant", "scopes",
	       "created_at", "last_used_at", "revoked_at");
	for (int i = 0; i < PQntuples(res); i++)
		printf("%-32s  %-16s  %-24s  %-24s  %-24s  %s\n", PQgetvalue(res, i, 0),
		       PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
		       PQgetisnull(res, i, 4) ? "-" : PQgetvalue(res, i, 4),
		       PQgetisnull(res, i, 5) ? "-" : PQgetvalue(res, i, 5));
	return 0;
}

static int identities_create(struct db *db, arena_t *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tenant", required_argument, NULL, 't' }, { "username", required_argument, NULL, 'u' },
		{ "max-scope", required_argument, NULL, 's' }, { "password", required_argument, NULL, 'p' },
		{ "password-stdin", no_argument, NULL, 'i' }, { NULL, 0, NULL, 0 },
	};
	const char *tenant = NULL, *username = NULL, *scope = NULL, *password = NULL;
	char line[1024];
	int opt;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 't': tenant = optarg; break;
		case 'u': username = optarg; break;
		case 's': scope = optarg; break;
		case 'p': password = optarg; break;
		case 'i':
			if (fgets(line, sizeof(line), stdin) == NULL) {
				fprintf(stderr, "authzctl: no password on standard input\n");
				return 2;
			}
			line[strcspn(line, "\r\n")] = '\0';
			password = line;
			break;
		default: return 2;
		}
	}
	if (tenant == NULL || username == NULL || scope == NULL || password == NULL || password[0] == '\0') {
		fprintf(stderr, "authzctl: identities create needs --tenant, --username, --max-scope and a password\n");
		return 2;
	}
	struct vscope vs;
	const char *err = NULL, *universal = NULL;
	if (vscope_parse(a, scope, &vs, &err) != 0) {
		fprintf(stderr, "authzctl: %s\n", err);
		return 2;
	}
	const char *hash = password_hash(a, password);
	OPENSSL_cleanse(line, sizeof(line));
	if (hash == NULL) {
		fprintf(stderr, "authzctl: hashing the password failed\n");
		return 1;
	}
	status_t st = db_identity_create(db, a, tenant, username, hash, vscope_format(a, &vs), &universal);
	if (st == ST_CONFLICT) {
		fprintf(stderr, "authzctl: %s already exists in tenant %s\n", username, tenant);
		return 1;
	}
	if (st != ST_OK)
		return 1;
	printf("%s\n", universal);
	return 0;
}

/* "identities" sub-commands, on an open database. */
static int identities(struct db *db, arena_t *a, int argc, char **argv)
{
	int rc = 2;
	if (strcmp(argv[1], "create") == 0) {
		rc = identities_create(db, a, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "list") == 0 && (argc == 2 || (argc == 4 && strcmp(argv[2], "--tenant") == 0))) {
		status_t st;
		PGresult *res = db_identity_list(db, a, argc == 4 ? argv[3] : NULL, &st);
		rc = res == NULL;
		if (res != NULL) {
			printf("%-45s  %-16s  %-24s  %-7s  %s\n", "universal", "tenant", "username", "enabled", "maximum scope");
			for (int i = 0; i < PQntuples(res); i++)
				printf("%-45s  %-16s  %-24s  %-7s  %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
				       PQgetvalue(res, i, 2), PQgetvalue(res, i, 4)[0] == 't' ? "yes" : "no",
				       PQgetvalue(res, i, 3));
		}
	} else if (strcmp(argv[1], "disable") == 0 && argc == 6 && strcmp(argv[2], "--tenant") == 0 &&
		   strcmp(argv[4], "--username") == 0) {
		status_t st = db_identity_disable(db, a, argv[3], argv[5]);
		if (st == ST_OK)
			printf("disabled %s\n", argv[5]);
		else
			fprintf(stderr, "authzctl: no enabled identity %s in tenant %s\n", argv[5], argv[3]);
		rc = st == ST_OK ? 0 : 1;
	} else {
		usage(stderr);
	}
	return rc;
}

/* "credentials" sub-commands, on an open database. */
static int credentials(struct db *db, arena_t *a, int argc, char **argv)
{
	int rc = 2;
	if (strcmp(argv[1], "create") == 0) {
		rc = credentials_create(db, a, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "list") == 0) {
		rc = credentials_list(db, a, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "revoke") == 0 && argc == 3) {
		status_t st = db_credential_revoke(db, a, argv[2]);
		if (st == ST_OK)
			printf("revoked %s\n", argv[2]);
		else
			fprintf(stderr, "authzctl: no active credential %s\n", argv[2]);
		rc = st == ST_OK ? 0 : 1;
	} else {
		usage(stderr);
	}
	return rc;
}

/* Runs a sub-command group on a connected, migrated database. */
static int with_database(const struct config *cfg, int argc, char **argv,
			 int (*fn)(struct db *db, arena_t *a, int argc, char **argv))
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	struct db *db = db_open(cfg->database_url);
	arena_t *a = arena_create(0);
	int rc = 1;
	if (db_ready(db) != ST_OK)
		fprintf(stderr, "authzctl: database unavailable or not migrated\n");
	else
		rc = fn(db, a, argc, argv);
	arena_destroy(a);
	db_close(db);
	return rc;
}

int main(int argc, char **argv)
{
	const char *config_path = getenv("AUTHZD_CONFIG");
	int opt;
	while ((opt = getopt(argc, argv, "+c:h")) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	struct config cfg;
	char err[512];
	if (config_load(&cfg, config_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "authzctl: %s\n", err);
		config_free(&cfg);
		return 2;
	}
	log_set_level(LOG_WARN);
	int rc = 2;
	const char *cmd = argv[optind];
	if (strcmp(cmd, "migrate") == 0) {
		const char *dir = optind + 1 < argc ? argv[optind + 1] : cfg.sql_dir;
		rc = db_migrate(cfg.database_url, dir, stdout) == 0 ? 0 : 1;
	} else if (strcmp(cmd, "identities") == 0) {
		rc = with_database(&cfg, argc - optind, argv + optind, identities);
	} else if (strcmp(cmd, "credentials") == 0) {
		rc = with_database(&cfg, argc - optind, argv + optind, credentials);
	} else {
		fprintf(stderr, "authzctl: unknown command '%s'\n", cmd);
		usage(stderr);
	}
	config_free(&cfg);
	return rc;
}

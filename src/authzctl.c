/* authzctl: administration from the shell: migrations, tenants, management credentials,
 * Venafi identities, servers and their issuers' signing keys. Help needs no database (and
 * a wrong command is a usage error before any connection); every command that names a
 * tenant refuses one that does not exist: only `tenants create` makes one.
 * Exit codes: enum below (0 done, 1 refused or failed, 2 usage, 3 no database, 4 not found). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "authn/credential.h"
#include "authn/password.h"
#include "core/access.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "core/timefmt.h"
#include "db/db.h"
#include "db/db_admin.h"
#include "db/db_token.h"
#include "db/migrate.h"
#include "dialect/oauth_keys.h"
#include "dialect/venafi_scope.h"

#define MAX_SCOPES 8
#define MAX_HOSTS 32

/* Exit codes, the same for every command (README's authzctl section lists them). */
enum {
	EXIT_DONE = 0,
	EXIT_FAILED = 1,        /* refused (a name taken, a value not valid) or failed */
	EXIT_USAGE = 2,         /* unknown command or option, missing argument, bad config */
	EXIT_UNAVAILABLE = 3,   /* the database cannot be reached, or is not migrated */
	EXIT_NOT_FOUND = 4,     /* what the command names (tenant, credential, ...) does not exist */
};

/* One command group's help: its name and its lines (the global help is all of them). */
static const struct {
	const char *name;
	const char *text;
} helps[] = {
	{ "migrate",
	  "  migrate [DIR]                       apply the SQL migrations (default: sql_dir)\n" },
	{ "tenants",
	  "  tenants create NAME                 a new tenant (the only command that makes one)\n"
	  "  tenants list [--json]               tenants with their host names and counts\n"
	  "  tenants rename NAME NEW_NAME\n"
	  "  tenants hosts NAME [HOST...]        the host names whose public endpoints (/vedauth,\n"
	  "                                      token service) belong to the tenant; none: clear\n" },
	{ "credentials",
	  "  credentials create --tenant T --scope S [--scope S...] [--token-ttl SECONDS]\n"
	  "                     [--description TEXT] [--json]\n"
	  "                                      mint a management credential; the secret is\n"
	  "                                      printed once and never stored\n"
	  "  credentials list [--tenant T] [--json]\n"
	  "                                      list credentials (never secrets)\n"
	  "  credentials revoke CLIENT_ID        revoke a credential and all its tokens\n"
	  "  scopes: \"Authentication Only\", \"Read Users\", \"Manage Users\", \"Read All\", \"Manage All\"\n" },
	{ "identities",
	  "  identities create --tenant T --username U --max-scope SCOPE (--password-stdin | --password P)\n"
	  "                                      a Venafi identity (local user); Argon2id hash only\n"
	  "  identities list [--tenant T] [--json]\n"
	  "                                      list identities (never hashes)\n"
	  "  identities disable --tenant T --username U\n"
	  "                                      disable it; its tokens stop working at once\n" },
	{ "servers",
	  "  servers list [--tenant T] [--json]  every server with its dialect and issuer\n" },
	{ "keys",
	  "  keys list (--server ID | --tenant T) [--json]\n"
	  "                                      the signing keys of a server's issuer (or of the\n"
	  "                                      tenant's, on OneLogin's /oidc/2 paths): kid,\n"
	  "                                      algorithm, state; never a private part\n"
	  "  keys rotate (--server ID | --tenant T) [--alg RS256|ES256|EdDSA] [--now]\n"
	  "                                      the published next key signs from now (once it\n"
	  "                                      has been published twice the JWKS max-age; --now:\n"
	  "                                      at once, for a compromised key) and a new next key\n"
	  "                                      (of ALG, which the ring keeps) is published\n" },
};
#define NHELPS (sizeof(helps) / sizeof(helps[0]))

static const char exit_codes[] =
	"A --tenant T names an existing tenant: a name that does not exist is refused, never made.\n"
	"exit codes: 0 done, 1 refused or failed, 2 usage error, 3 database unreachable or not\n"
	"migrated, 4 not found (the tenant, credential, identity or server named does not exist)\n";

/* The help of one command group (name NULL: all of them). -1 if there is no such group. */
static int usage_of(FILE *f, const char *name)
{
	size_t g = 0;
	while (name != NULL && g < NHELPS && strcmp(helps[g].name, name) != 0)
		g++;
	if (g == NHELPS)
		return -1;
	if (name != NULL) {
		fprintf(f, "usage: authzctl [-c CONFIG] %s ...\n%s", name, helps[g].text);
	} else {
		fputs("usage: authzctl [-c CONFIG] COMMAND [ARGS]\ncommands:\n", f);
		for (size_t i = 0; i < NHELPS; i++)
			fputs(helps[i].text, f);
		fputs("  help [COMMAND], COMMAND --help     this help, or one command's (no database needed)\n", f);
	}
	fputs(exit_codes, f);
	return 0;
}

static void usage(FILE *f)
{
	usage_of(f, NULL);
}

struct ctx {
	struct db *db;
	arena_t *a;
	const struct config *cfg;
};

/* A refusal in words: what the status means for the thing the operator named. */
static int refused(status_t st, const char *what)
{
	const char *why = st == ST_NOT_FOUND ? "does not exist"
			: st == ST_CONFLICT ? "already exists (or is taken)"
			: st == ST_INVALID ? "is not valid"
			: st == ST_UNAVAILABLE ? "cannot be reached: the database is unavailable"
			: "failed";
	fprintf(stderr, "authzctl: %s %s\n", what, why);
	return st == ST_NOT_FOUND ? EXIT_NOT_FOUND : st == ST_UNAVAILABLE ? EXIT_UNAVAILABLE : EXIT_FAILED;
}

/* A --tenant the operator named must exist (a typo is refused, never a new tenant, and a
 * list of a tenant that does not exist is not an empty list): 0 or the exit code. */
static int tenant_exists(struct ctx *c, const char *tenant)
{
	int64_t id;
	status_t st = tenant ? db_tenant_lookup(c->db, c->a, tenant, &id) : ST_OK;
	return st == ST_OK ? 0 : refused(st, arena_sprintf(c->a, "tenant %s", tenant));
}

static const char *when(arena_t *a, int64_t us)
{
	return us ? timefmt_iso8601(a, us, TIMEFMT_MILLIS) : "-";
}

static void print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(v);
}

static json_t *when_json(arena_t *a, int64_t us)
{
	return us ? json_string(timefmt_iso8601(a, us, TIMEFMT_MILLIS)) : json_null();
}

/* --tenant T and --json for the list commands; -1 on anything else. */
static int list_options(int argc, char **argv, const char **tenant, int *json)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else if (strcmp(argv[i], "--tenant") == 0 && i + 1 < argc && tenant != NULL)
			*tenant = argv[++i];
		else
			return -1;
	}
	return 0;
}

/* ---- tenants -------------------------------------------------------------------------- */

static int tenants_list(struct ctx *c, int argc, char **argv)
{
	int json = 0;
	struct tenant *list;
	size_t n;
	if (list_options(argc, argv, NULL, &json) != 0)
		return EXIT_USAGE;
	status_t st = db_tenant_list(c->db, c->a, &list, &n);
	if (st != ST_OK)
		return refused(st, "the tenant list");
	json_t *arr = json_array();
	if (!json)
		printf("%-6s  %-24s  %-8s  %-12s  %-24s  %s\n", "id", "name", "servers", "applications", "created_at", "hosts");
	for (size_t i = 0; i < n; i++) {
		json_t *hosts = json_array();
		const char *joined = "";
		for (size_t h = 0; h < list[i].hosts.n; h++) {
			json_array_append_new(hosts, json_string(list[i].hosts.items[h]));
			joined = arena_sprintf(c->a, "%s%s%s", joined, h ? "," : "", list[i].hosts.items[h]);
		}
		if (json)
			json_array_append_new(arr, json_pack("{s:I,s:s,s:I,s:I,s:o,s:o}", "id", (json_int_t)list[i].id,
				"name", list[i].name, "servers", (json_int_t)list[i].servers,
				"applications", (json_int_t)list[i].applications, "created_at",
				when_json(c->a, list[i].created_us), "hosts", hosts));
		else {
			json_decref(hosts);
			printf("%-6lld  %-24s  %-8ld  %-12ld  %-24s  %s\n", (long long)list[i].id, list[i].name,
			       list[i].servers, list[i].applications, when(c->a, list[i].created_us), joined);
		}
	}
	if (json)
		print_json(arr);
	else
		json_decref(arr);
	return 0;
}

static int tenants(struct ctx *c, int argc, char **argv)
{
	status_t st;
	int64_t id;
	if (strcmp(argv[1], "create") == 0 && argc == 3) {
		if ((st = db_tenant_create(c->db, c->a, argv[2], &id)) != ST_OK)
			return refused(st, arena_sprintf(c->a, "tenant %s", argv[2]));
		printf("created tenant %s (id %lld)\n", argv[2], (long long)id);
		return 0;
	}
	if (strcmp(argv[1], "list") == 0)
		return tenants_list(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "rename") == 0 && argc == 4) {
		if ((st = db_tenant_rename(c->db, c->a, argv[2], argv[3])) != ST_OK)
			return refused(st, arena_sprintf(c->a, "tenant %s (or %s)", argv[2], argv[3]));
		printf("renamed tenant %s to %s\n", argv[2], argv[3]);
		return 0;
	}
	if (strcmp(argv[1], "hosts") == 0 && argc >= 3 && argc - 3 <= MAX_HOSTS) {
		if ((st = db_tenant_set_hosts(c->db, c->a, argv[2], (const char *const *)argv + 3,
					      (size_t)(argc - 3))) != ST_OK)
			return refused(st, arena_sprintf(c->a, "tenant %s or one of its hosts", argv[2]));
		printf("tenant %s answers on %d host name(s)\n", argv[2], argc - 3);
		return 0;
	}
	usage_of(stderr, "tenants");
	return EXIT_USAGE;
}

/* ---- credentials ------------------------------------------------------------------------- */

static int credentials_create(struct ctx *c, int argc, char **argv)
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
			if (nscopes == MAX_SCOPES || !access_scope_known(optarg)) {
				fprintf(stderr, "authzctl: unknown scope '%s'\n", optarg);
				return EXIT_USAGE;
			}
			scopes[nscopes++] = optarg;
			break;
		default: return EXIT_USAGE;
		}
	}
	if (tenant == NULL || nscopes == 0 || ttl < 0) {
		fprintf(stderr, "authzctl: credentials create needs --tenant and at least one --scope\n");
		return EXIT_USAGE;
	}
	struct credential_new cred;
	status_t st = credential_create(c->db, c->a, tenant, scopes, nscopes, ttl, description, &cred);
	if (st != ST_OK)
		return refused(st, st == ST_NOT_FOUND ? arena_sprintf(c->a, "tenant %s", tenant) : "the credential");
	if (json)
		print_json(json_pack("{s:s,s:s}", "client_id", cred.client_id, "client_secret", cred.client_secret));
	else
		printf("client_id:     %s\nclient_secret: %s\ntenant:        %s\n"
		       "The secret is shown only now; store it safely.\n",
		       cred.client_id, cred.client_secret, tenant);
	return 0;
}

static int credentials_list(struct ctx *c, int argc, char **argv)
{
	const char *tenant = NULL;
	int json = 0;
	struct credential_row *list;
	size_t n;
	if (list_options(argc, argv, &tenant, &json) != 0) {
		usage_of(stderr, "credentials");
		return EXIT_USAGE;
	}
	int rc = tenant_exists(c, tenant);
	if (rc != 0)
		return rc;
	status_t st = db_credential_list(c->db, c->a, tenant, &list, &n);
	if (st != ST_OK)
		return refused(st, "the credential list");
	json_t *arr = json_array();
	if (!json)
		printf("%-32s  %-16s  %-24s  %-24s  %-24s  %s\n", "client_id", "tenant", "scopes",
		       "created_at", "last_used_at", "revoked_at");
	for (size_t i = 0; i < n; i++) {
		const struct credential_row *r = &list[i];
		if (json)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "client_id", r->client_id,
				"tenant", r->tenant, "scopes", r->scopes, "description",
				r->description ? json_string(r->description) : json_null(),
				"created_at", when_json(c->a, r->created_us), "last_used_at", when_json(c->a, r->last_used_us),
				"revoked_at", when_json(c->a, r->revoked_us)));
		else
			printf("%-32s  %-16s  %-24s  %-24s  %-24s  %s\n", r->client_id, r->tenant, r->scopes,
			       when(c->a, r->created_us), when(c->a, r->last_used_us), when(c->a, r->revoked_us));
	}
	if (json)
		print_json(arr);
	else
		json_decref(arr);
	return 0;
}

static int credentials(struct ctx *c, int argc, char **argv)
{
	if (strcmp(argv[1], "create") == 0)
		return credentials_create(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return credentials_list(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "revoke") == 0 && argc == 3) {
		status_t st = db_credential_revoke(c->db, c->a, argv[2]);
		if (st != ST_OK)
			return refused(st, arena_sprintf(c->a, "active credential %s", argv[2]));
		printf("revoked %s\n", argv[2]);
		return 0;
	}
	usage_of(stderr, "credentials");
	return EXIT_USAGE;
}

/* ---- identities --------------------------------------------------------------------------- */

static int identities_create(struct ctx *c, int argc, char **argv)
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
				return EXIT_USAGE;
			}
			line[strcspn(line, "\r\n")] = '\0';
			password = line;
			break;
		default: return EXIT_USAGE;
		}
	}
	if (tenant == NULL || username == NULL || scope == NULL || password == NULL || password[0] == '\0') {
		fprintf(stderr, "authzctl: identities create needs --tenant, --username, --max-scope and a password\n");
		return EXIT_USAGE;
	}
	struct vscope vs;
	const char *err = NULL, *universal = NULL;
	if (vscope_parse(c->a, scope, &vs, &err) != 0) {
		fprintf(stderr, "authzctl: %s\n", err);
		return EXIT_USAGE;
	}
	const char *hash = password_hash(c->a, password);
	OPENSSL_cleanse(line, sizeof(line));
	if (hash == NULL) {
		fprintf(stderr, "authzctl: hashing the password failed\n");
		return EXIT_FAILED;
	}
	status_t st = db_identity_create(c->db, c->a, tenant, username, hash, vscope_format(c->a, &vs), &universal);
	if (st != ST_OK)
		return refused(st, st == ST_NOT_FOUND ? arena_sprintf(c->a, "tenant %s", tenant)
						      : arena_sprintf(c->a, "identity %s in tenant %s", username, tenant));
	printf("%s\n", universal);
	return 0;
}

static int identities_list(struct ctx *c, int argc, char **argv)
{
	const char *tenant = NULL;
	int json = 0;
	struct identity_row *list;
	size_t n;
	if (list_options(argc, argv, &tenant, &json) != 0) {
		usage_of(stderr, "identities");
		return EXIT_USAGE;
	}
	int rc = tenant_exists(c, tenant);
	if (rc != 0)
		return rc;
	status_t st = db_identity_list(c->db, c->a, tenant, &list, &n);
	if (st != ST_OK)
		return refused(st, "the identity list");
	json_t *arr = json_array();
	if (!json)
		printf("%-45s  %-16s  %-24s  %-7s  %s\n", "universal", "tenant", "username", "enabled", "maximum scope");
	for (size_t i = 0; i < n; i++) {
		const struct identity_row *r = &list[i];
		if (json)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:b,s:s,s:o}", "universal", r->universal,
				"tenant", r->tenant, "username", r->username, "enabled", r->enabled,
				"maximum_scope", r->maximum_scope, "created_at", when_json(c->a, r->created_us)));
		else
			printf("%-45s  %-16s  %-24s  %-7s  %s\n", r->universal, r->tenant, r->username,
			       r->enabled ? "yes" : "no", r->maximum_scope);
	}
	if (json)
		print_json(arr);
	else
		json_decref(arr);
	return 0;
}

static int identities(struct ctx *c, int argc, char **argv)
{
	if (strcmp(argv[1], "create") == 0)
		return identities_create(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return identities_list(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "disable") == 0 && argc == 6 && strcmp(argv[2], "--tenant") == 0 &&
	    strcmp(argv[4], "--username") == 0) {
		status_t st = db_identity_disable(c->db, c->a, argv[3], argv[5]);
		if (st != ST_OK)
			return refused(st, arena_sprintf(c->a, "enabled identity %s in tenant %s", argv[5], argv[3]));
		printf("disabled %s\n", argv[5]);
		return 0;
	}
	usage_of(stderr, "identities");
	return EXIT_USAGE;
}

/* ---- servers and their keys ----------------------------------------------------------------- */

static int servers(struct ctx *c, int argc, char **argv)
{
	const char *tenant = NULL;
	int json = 0;
	struct server_issuer *list;
	size_t n;
	if (strcmp(argv[1], "list") != 0 || list_options(argc - 1, argv + 1, &tenant, &json) != 0)
		return EXIT_USAGE;
	int rc = tenant_exists(c, tenant);
	if (rc != 0)
		return rc;
	status_t st = db_server_issuers(c->db, c->a, tenant, &list, &n);
	if (st != ST_OK)
		return refused(st, "the server list");
	json_t *arr = json_array();
	if (!json)
		printf("%-8s  %-16s  %-9s  %-32s  %s\n", "id", "tenant", "dialect", "name (Azure: its name)", "issuer");
	for (size_t i = 0; i < n; i++) {
		const char *issuer = arena_sprintf(c->a, "%s/oauth2/%lld", c->cfg->public_url, (long long)list[i].id);
		if (json)
			json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s}", "id", (json_int_t)list[i].id,
							     "tenant", list[i].tenant, "dialect", list[i].dialect, "name",
							     list[i].name, "azure_name", list[i].resource_name, "issuer", issuer));
		else
			printf("%-8lld  %-16s  %-9s  %-32s  %s\n", (long long)list[i].id, list[i].tenant, list[i].dialect,
			       list[i].resource_name ? arena_sprintf(c->a, "%s (%s)", list[i].name, list[i].resource_name)
						     : list[i].name, issuer);
	}
	if (json)
		print_json(arr);
	else
		json_decref(arr);
	return 0;
}

/* --server ID | --tenant T, then --alg, --now and --json where allowed: 0, or the exit code
 * (2 for anything else, 1 for a tenant that does not exist). */
struct key_options {
	int64_t server_id, tenant_id;
	const char *tenant, *alg;
	int now, json;
};

static int key_options(struct ctx *c, int argc, char **argv, int rotate, struct key_options *o)
{
	enum jose_alg alg;
	memset(o, 0, sizeof(*o));
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--server") == 0 && i + 1 < argc) {
			char *end;
			o->server_id = strtoll(argv[++i], &end, 10);
			if (*end != '\0' || o->server_id <= 0)
				return EXIT_USAGE;
		} else if (strcmp(argv[i], "--tenant") == 0 && i + 1 < argc) {
			o->tenant = argv[++i];
		} else if (rotate && strcmp(argv[i], "--alg") == 0 && i + 1 < argc && jose_alg_parse(argv[i + 1], &alg) == 0) {
			o->alg = argv[++i];
		} else if (rotate && strcmp(argv[i], "--now") == 0) {
			o->now = 1;
		} else if (strcmp(argv[i], "--json") == 0) {
			o->json = 1;
		} else {
			return EXIT_USAGE;
		}
	}
	if ((o->server_id != 0) == (o->tenant != NULL))
		return EXIT_USAGE;
	status_t st = o->tenant ? db_tenant_lookup(c->db, c->a, o->tenant, &o->tenant_id) : ST_OK;
	return st == ST_OK ? 0 : refused(st, arena_sprintf(c->a, "tenant %s", o->tenant));
}

static const char *const key_states[] = { "next", "current", "previous" };

/* ST_NOT_FOUND unless --server names a server. */
static status_t server_exists(struct ctx *c, const struct key_options *o)
{
	struct issuer_public pub;
	if (o->server_id == 0)
		return ST_OK;
	status_t st = db_issuer_public(c->db, c->a, o->server_id, NULL, &pub);
	return st != ST_OK ? st : pub.found ? ST_OK : ST_NOT_FOUND;
}

static int keys_list(struct ctx *c, const struct key_options *o)
{
	struct issuer_key *list;
	size_t n;
	status_t st = server_exists(c, o);
	if (st != ST_OK)
		return refused(st, arena_sprintf(c->a, "server %lld", (long long)o->server_id));
	st = db_keys_list(c->db, c->a, o->server_id, o->tenant_id, &list, &n);
	if (st != ST_OK)
		return refused(st, "the key ring");
	json_t *arr = json_array();
	if (!o->json)
		printf("%-43s  %-5s  %-8s  %-24s  %s\n", "kid", "alg", "state", "published_at", "signs_from");
	for (size_t i = 0; i < n; i++) {
		if (o->json)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:o,s:o}", "kid", list[i].kid, "alg", list[i].alg,
							     "state", key_states[list[i].state], "published_at",
							     when_json(c->a, list[i].published_us), "signs_from",
							     when_json(c->a, list[i].signs_from_us)));
		else
			printf("%-43s  %-5s  %-8s  %-24s  %s\n", list[i].kid, list[i].alg, key_states[list[i].state],
			       when(c->a, list[i].published_us), when(c->a, list[i].signs_from_us));
	}
	if (o->json)
		print_json(arr);
	else
		json_decref(arr);
	return 0;
}

static int keys_rotate(struct ctx *c, const struct key_options *o)
{
	int64_t issuer_id;
	const char *ring_alg = NULL;
	status_t st = server_exists(c, o);
	if (st != ST_OK)
		return refused(st, arena_sprintf(c->a, "server %lld", (long long)o->server_id));
	st = db_issuer_lookup(c->db, c->a, o->server_id, o->tenant_id, &issuer_id, &ring_alg);
	if (st == ST_OK && issuer_id == 0) {
		/* a ring is made at its issuer's first use; made now, it needs no rotation */
		if ((st = oauth_ring_make(c->db, c->a, c->cfg, o->server_id, o->tenant_id, NULL, o->alg, &issuer_id)) != ST_OK)
			return refused(st, o->server_id ? "the server" : "the tenant's key ring");
		printf("made the key ring\n");
		return keys_list(c, o);
	}
	if (st != ST_OK)
		return refused(st, "the key ring");
	struct issuer_key next;
	struct key_rotation done;
	/* the new next key takes the algorithm asked for, else the ring's */
	enum jose_alg alg = JOSE_RS256;
	(void)jose_alg_parse(o->alg ? o->alg : ring_alg, &alg);
	if ((st = oauth_key_make(c->a, alg, issuer_id, &next, NULL)) != ST_OK)
		return refused(st, "making a key");
	st = db_issuer_rotate(c->db, c->a, issuer_id, o->alg, o->now ? 0 : 2 * (int64_t)c->cfg->token_jwks_max_age,
			      (int64_t)c->cfg->token_key_rotation_days * 86400, &next, &done);
	if (st != ST_OK)
		return refused(st, "the rotation");
	if (o->json) {
		print_json(json_pack("{s:s?,s:o,s:s,s:o}", "signing_kid", done.promoted_kid, "signs_from",
				     when_json(c->a, done.promoted_from_us), "next_kid", done.next_kid, "next_signs_from",
				     when_json(c->a, done.next_from_us)));
		return 0;
	}
	if (done.promoted_kid != NULL)
		printf("signing: %s from %s\n", done.promoted_kid, when(c->a, done.promoted_from_us));
	printf("next:    %s from %s\n", done.next_kid, when(c->a, done.next_from_us));
	return 0;
}

static int keys(struct ctx *c, int argc, char **argv)
{
	struct key_options o;
	int rotate = strcmp(argv[1], "rotate") == 0;
	if (!rotate && strcmp(argv[1], "list") != 0)
		return EXIT_USAGE;
	int rc = key_options(c, argc, argv, rotate, &o);
	if (rc != 0)
		return rc;
	if (rotate && !secretbox_ready()) {
		char err[256];
		if (c->cfg->secret_key_file == NULL || secretbox_load(c->cfg->secret_key_file, err, sizeof(err)) != 0) {
			fprintf(stderr, "authzctl: keys are sealed with the secret key: %s\n",
				c->cfg->secret_key_file ? err : "no secret_key_file configured");
			return EXIT_FAILED;
		}
	}
	return rotate ? keys_rotate(c, &o) : keys_list(c, &o);
}

/* ---- main ----------------------------------------------------------------------------------- */

/* Each group with its sub-commands, so a wrong one is a usage error before any connection. */
static const struct {
	const char *name;
	int (*fn)(struct ctx *c, int argc, char **argv);
	const char *const subs[5];
} groups[] = {
	{ "tenants", tenants, { "create", "list", "rename", "hosts", NULL } },
	{ "credentials", credentials, { "create", "list", "revoke", NULL } },
	{ "identities", identities, { "create", "list", "disable", NULL } },
	{ "servers", servers, { "list", NULL } },
	{ "keys", keys, { "list", "rotate", NULL } },
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static int has_sub(size_t g, const char *sub)
{
	for (size_t k = 0; groups[g].subs[k] != NULL; k++)
		if (strcmp(groups[g].subs[k], sub) == 0)
			return 1;
	return 0;
}

static int help_flag(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

/* Runs a sub-command group on a connected, migrated database. */
static int with_database(const struct config *cfg, int argc, char **argv,
			 int (*fn)(struct ctx *c, int argc, char **argv))
{
	struct ctx c = { db_open(cfg->database_url), arena_create(0), cfg };
	int rc = EXIT_UNAVAILABLE;
	if (db_ready(c.db) != ST_OK)
		fprintf(stderr, "authzctl: database unavailable or not migrated\n");
	else
		rc = fn(&c, argc, argv);
	arena_destroy(c.a);
	db_close(c.db);
	return rc;
}

int main(int argc, char **argv)
{
	const char *config_path = getenv("AUTHZD_CONFIG");
	int opt;
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	while ((opt = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'h': usage(stdout); return EXIT_DONE;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* help first: no config, no database */
	const char *cmd = argv[optind];
	if (strcmp(cmd, "help") == 0) {
		const char *of = optind + 1 < argc ? argv[optind + 1] : NULL;
		if (usage_of(stdout, of) == 0)
			return EXIT_DONE;
		fprintf(stderr, "authzctl: unknown command '%s'\n", of);
		usage(stderr);
		return EXIT_USAGE;
	}
	size_t g = 0;
	while (g < NGROUPS && strcmp(groups[g].name, cmd) != 0)
		g++;
	if (g == NGROUPS && strcmp(cmd, "migrate") != 0) {
		fprintf(stderr, "authzctl: unknown command '%s'\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (help_flag(argc - optind, argv + optind)) {
		usage_of(stdout, cmd);
		return EXIT_DONE;
	}
	if (g < NGROUPS && (optind + 1 >= argc || !has_sub(g, argv[optind + 1]))) {
		if (optind + 1 < argc)
			fprintf(stderr, "authzctl: unknown command '%s %s'\n", cmd, argv[optind + 1]);
		usage_of(stderr, cmd);
		return EXIT_USAGE;
	}
	struct config cfg;
	char err[512];
	if (config_load(&cfg, config_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "authzctl: %s\n", err);
		config_free(&cfg);
		return EXIT_USAGE;
	}
	log_set_level(LOG_WARN);
	int rc;
	if (g == NGROUPS) {
		const char *dir = optind + 1 < argc ? argv[optind + 1] : cfg.sql_dir;
		int m = db_migrate(cfg.database_url, dir, stdout);
		rc = m == 0 ? EXIT_DONE : m == DB_MIGRATE_UNREACHABLE ? EXIT_UNAVAILABLE : EXIT_FAILED;
	} else {
		rc = with_database(&cfg, argc - optind, argv + optind, groups[g].fn);
	}
	config_free(&cfg);
	return rc;
}

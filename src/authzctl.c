/* authzctl: administration from the shell (migrations now; credentials and identities
 * as later issues add them). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db/migrate.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: authzctl [-c CONFIG] COMMAND\n"
		   "commands:\n"
		   "  migrate [DIR]   apply the SQL migrations in DIR (default: sql_dir)\n");
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
	int rc = 2;
	const char *cmd = argv[optind];
	if (strcmp(cmd, "migrate") == 0) {
		const char *dir = optind + 1 < argc ? argv[optind + 1] : cfg.sql_dir;
		rc = db_migrate(cfg.database_url, dir, stdout) == 0 ? 0 : 1;
	} else {
		fprintf(stderr, "authzctl: unknown command '%s'\n", cmd);
		usage(stderr);
	}
	config_free(&cfg);
	return rc;
}

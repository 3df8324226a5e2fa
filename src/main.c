/* authzd: read the configuration, open the FastCGI socket, hand over to the supervisor. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "core/config.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "http/router.h"
#include "nginx_errors.h"
#include "routes.h"
#include "supervisor.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: authzd [-c CONFIG]\n"
		   "       authzd --nginx-errors\n"
		   "  -c CONFIG        configuration file (default: $AUTHZD_CONFIG, else none)\n"
		   "  --nginx-errors   print the nginx snippet that answers nginx's own errors in JSON\n"
		   "Every key can be overridden by AUTHZD_<KEY> in the environment.\n");
}

static int write_pid_file(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nginx-errors", no_argument, NULL, 'N' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	const char *config_path = getenv("AUTHZD_CONFIG");
	int opt, rc = 1;
	while ((opt = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'V': puts(PACKAGE_STRING); return 0;
		case 'h': usage(stdout); return 0;
		case 'N': return nginx_errors_print(stdout) == 0 ? 0 : 1;
		default: usage(stderr); return 2;
		}
	}

	struct config cfg;
	struct router *rt = NULL;
	char err[512];
	if (config_load(&cfg, config_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "authzd: %s\n", err);
		config_free(&cfg);
		return 2;
	}
	log_set_level((enum log_level)cfg.log_level);
	if (cfg.log_file != NULL && log_open(cfg.log_file) != 0) {
		fprintf(stderr, "authzd: log_file %s: %s\n", cfg.log_file, strerror(errno));
		config_free(&cfg);
		return 1;
	}

	if (cfg.secret_key_file != NULL) {
		if (secretbox_load(cfg.secret_key_file, err, sizeof(err)) != 0) {
			log_error("%s", err);
			goto out;
		}
	} else {
		log_warn("no secret_key_file: secrets that must be given back cannot be stored");
	}

	rt = routes_compile();
	if (rt == NULL)
		goto out;

	struct stat st;
	if (lstat(cfg.socket, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(cfg.socket);
	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		goto out;
	}
	int fd = FCGX_OpenSocket(cfg.socket, cfg.listen_backlog);
	if (fd < 0) {
		log_error("cannot listen on %s: %s", cfg.socket, strerror(errno));
		goto out;
	}
	if (chmod(cfg.socket, (mode_t)cfg.socket_mode) != 0)
		log_warn("chmod %s: %s", cfg.socket, strerror(errno));
	if (cfg.pid_file != NULL && write_pid_file(cfg.pid_file) != 0)
		log_warn("cannot write pid file %s: %s", cfg.pid_file, strerror(errno));

	log_info("authzd %s listening on %s", PACKAGE_VERSION, cfg.socket);
	rc = supervisor_run(&cfg, rt, fd);
	close(fd);
	unlink(cfg.socket);
	if (cfg.pid_file != NULL)
		unlink(cfg.pid_file);
out:
	router_free(rt);
	secretbox_clear();
	config_free(&cfg);
	return rc;
}

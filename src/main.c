/* authzd: read the configuration, open the FastCGI socket, hand over to the supervisor;
 * --check-config validates a configuration, --nginx-errors prints nginx's error snippet. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "core/config.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "http/router.h"
#include "nginx_errors.h"
#include "routes.h"
#include "supervisor.h"

/* -c FILE, else $AUTHZD_CONFIG, else none (defaults and environment only); read again by
 * a reload. */
static const char *config_path;

static void usage(FILE *f)
{
	fprintf(f, "usage: authzd [-c CONFIG]\n"
		   "       authzd --check-config [CONFIG]\n"
		   "       authzd --nginx-errors\n"
		   "  -c CONFIG        configuration file (default: $AUTHZD_CONFIG, else none)\n"
		   "  --check-config   validate the configuration (file, environment, secret keys) and\n"
		   "                   exit 0 if it would start, 1 if not; touches no database\n"
		   "  --nginx-errors   print the nginx snippet that answers nginx's own errors in JSON\n"
		   "Every key can be overridden by AUTHZD_<KEY> in the environment.\n"
		   "SIGHUP reloads the configuration and reopens log_file; SIGTERM stops gracefully.\n");
}

/* Everything of a configuration that can fail before a worker runs: the file, the
 * environment, the secret keys. At start, for --check-config and for each reload. */
static int load_config(struct config *cfg, char *err, size_t errlen)
{
	if (config_load(cfg, config_path, err, errlen) != 0)
		return -1;
	if (cfg->secret_key_file != NULL && secretbox_load(cfg->secret_key_file, err, errlen) != 0)
		return -1;
	return 0;
}

static int check_config(void)
{
	struct config cfg;
	char err[512];
	int ok = load_config(&cfg, err, sizeof(err)) == 0;
	const char *what = config_path != NULL ? config_path : "defaults and environment";
	if (ok)
		printf("authzd: %s: configuration OK (%d workers, socket %s%s)\n", what, cfg.workers,
		       cfg.socket, cfg.secret_key_file != NULL ? "" : "; no secret_key_file");
	else
		fprintf(stderr, "authzd: %s: configuration invalid: %s\n", what, err);
	secretbox_clear();
	config_free(&cfg);
	return ok ? 0 : 1;
}

/* systemd's Type=notify: one datagram to $NOTIFY_SOCKET, the protocol of sd_notify(3) (a
 * name starting with '@' is an abstract socket). Nothing when systemd did not start us. */
static void notify_systemd(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = path != NULL ? strlen(path) : 0;
	if (n < 2 || n >= sizeof(sa.sun_path) || (path[0] != '/' && path[0] != '@'))
		return;
	memcpy(sa.sun_path, path, n);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (const struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
		log_warn("NOTIFY_SOCKET: %s", strerror(errno));
	close(fd);
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
		{ "version", no_argument, NULL, 'V' },
		{ "check-config", optional_argument, NULL, 'C' }, { NULL, 0, NULL, 0 },
	};
	config_path = getenv("AUTHZD_CONFIG");
	int opt, rc = 1, check = 0;
	while ((opt = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'C':
			check = 1;
			/* both --check-config=FILE and --check-config FILE */
			if (optarg != NULL)
				config_path = optarg;
			else if (optind < argc && argv[optind][0] != '-')
				config_path = argv[optind++];
			break;
		case 'V': puts(PACKAGE_STRING); return 0;
		case 'h': usage(stdout); return 0;
		case 'N': return nginx_errors_print(stdout) == 0 ? 0 : 1;
		default: usage(stderr); return 2;
		}
	}

	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (check)
		return check_config();

	struct config cfg;
	struct router *rt = NULL;
	char err[512];
	if (load_config(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "authzd: %s\n", err);
		config_free(&cfg);
		return 2;
	}
	if (cfg.log_file != NULL && log_open(cfg.log_file) != 0) {
		fprintf(stderr, "authzd: cannot open log_file %s: %s\n", cfg.log_file, strerror(errno));
		config_free(&cfg);
		return 2;
	}
	log_set_level((enum log_level)cfg.log_level);
	if (cfg.secret_key_file == NULL)
		log_warn("no secret_key_file: secrets that must be given back cannot be stored");

	rt = routes_compile();
	if (rt == NULL)
		goto out;

	/* From here on the stop and reload signals wait for the supervisor's sigtimedwait: one
	 * that came before it (systemd may stop us right after READY=1) would otherwise reach the
	 * SIGTERM handler libfcgi installs, whose shutdown flag every worker forked later inherits. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGCHLD);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

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
	/* Requests wait in the socket's backlog until the first workers take them. */
	notify_systemd("READY=1");
	rc = supervisor_run(&cfg, load_config, rt, fd);
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

/* Supervisor (cf. nginx's ngx_process_cycle.c): signals are blocked and taken with
 * sigtimedwait, so there is no handler state to race with; a worker that dies is reaped
 * and replaced, with a one-second pause if it died young (a crash loop must not spin). */
#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "worker.h"

struct slot {
	pid_t pid;               /* 0 = empty */
	struct timespec started;
	struct timespec not_before;
};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double ts_s(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static void spawn(struct slot *s, int index, const struct config *cfg, const struct router *rt, int fd)
{
	pid_t pid = fork();
	if (pid < 0) {
		log_error("supervisor: fork: %s", strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &s->not_before);
		s->not_before.tv_sec += 1;
		return;
	}
	/* exit(), not _exit(): LeakSanitizer's check runs from atexit in the worker. */
	if (pid == 0) {
		/* the slot's counters, whatever its earlier workers counted included */
		metrics_attach(index);
		exit(worker_run(cfg, rt, fd));
	}
	s->pid = pid;
	clock_gettime(CLOCK_MONOTONIC, &s->started);
}

static void reap(struct slot *slots, int n, int stopping)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < n; i++) {
			if (slots[i].pid != pid)
				continue;
			slots[i].pid = 0;
			if (!stopping) {
				if (WIFSIGNALED(status))
					log_warn("supervisor: worker %d killed by signal %d; respawning",
						 (int)pid, WTERMSIG(status));
				else
					log_warn("supervisor: worker %d exited with %d; respawning",
						 (int)pid, WEXITSTATUS(status));
				metrics_worker_restarted();
				memset(&slots[i].not_before, 0, sizeof(slots[i].not_before));
				if (now_s() - ts_s(&slots[i].started) < 1.0) {
					clock_gettime(CLOCK_MONOTONIC, &slots[i].not_before);
					slots[i].not_before.tv_sec += 1;
				}
			} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
				log_warn("supervisor: worker %d exited with %d", (int)pid,
					 WEXITSTATUS(status));
			}
		}
	}
}

static int alive(const struct slot *slots, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += slots[i].pid != 0;
	return k;
}

static void signal_all(const struct slot *slots, int n, int sig)
{
	for (int i = 0; i < n; i++)
		if (slots[i].pid != 0)
			kill(slots[i].pid, sig);
}

int supervisor_run(const struct config *cfg, const struct router *rt, int listen_fd)
{
	int n = cfg->workers;
	struct slot *slots = calloc((size_t)n, sizeof(*slots));
	if (slots == NULL)
		abort();

	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);

	/* before any fork, so every worker shares it; room for as many workers as a config allows */
	metrics_init(METRICS_SLOTS_MAX);
	log_info("supervisor: starting %d workers", n);
	for (;;) {
		double now = now_s(), wait = 5.0;
		for (int i = 0; i < n; i++) {
			if (slots[i].pid != 0)
				continue;
			double nb = ts_s(&slots[i].not_before);
			if (nb <= now)
				spawn(&slots[i], i, cfg, rt, listen_fd);
			else if (nb - now < wait)
				wait = nb - now;
		}
		struct timespec to = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
		int sig = sigtimedwait(&set, NULL, &to);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGHUP)
			log_info("supervisor: SIGHUP ignored (restart to reload configuration)");
		reap(slots, n, 0);
	}

	log_info("supervisor: stopping; waiting for requests in flight");
	double deadline = now_s() + cfg->shutdown_grace_seconds;
	signal_all(slots, n, SIGTERM);
	while (alive(slots, n) > 0) {
		struct timespec to = { 0, 100 * 1000 * 1000 };
		sigset_t chld;
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigtimedwait(&chld, NULL, &to);
		reap(slots, n, 1);
		if (alive(slots, n) == 0)
			break;
		if (now_s() > deadline) {
			log_warn("supervisor: grace period over; killing %d workers", alive(slots, n));
			signal_all(slots, n, SIGKILL);
		} else {
			/* Repeated: a TERM that arrived just before a worker entered accept()
			 * would otherwise leave it blocked there. */
			signal_all(slots, n, SIGTERM);
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(slots);
	log_info("supervisor: stopped");
	return 0;
}

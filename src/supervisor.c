/* Supervisor (cf. nginx's ngx_process_cycle.c): signals are blocked and taken with
 * sigtimedwait, so there is no handler state to race with; a worker that dies is reaped
 * and replaced, with a one-second pause if it died young (a crash loop must not spin).
 * SIGHUP reloads: the configuration is read again and the workers are replaced one at a
 * time, a new one started and ready before an old one is stopped (after its request in
 * flight), so a reload under load drops nothing; a configuration that does not load, or a
 * new worker that never gets ready, leaves the old workers serving. */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

/* How long a reload waits for a new worker to say it is ready (db_open included). */
#define READY_SECONDS 30.0

struct slot {
	pid_t pid;               /* 0 = empty */
	int retiring;            /* stopped by a reload: its exit is expected, not respawned */
	struct timespec started;
	struct timespec not_before;
};

struct pool {
	struct slot *slots;
	int n;
};

struct supervisor {
	struct config *cfg;      /* the running configuration; cur's workers were forked with it */
	supervisor_load_fn load;
	const struct router *rt;
	int fd;
	struct pool cur;
	struct pool next;        /* during a reload: the workers of the new configuration */
	sigset_t set;
	int stopping;            /* SIGTERM or SIGINT arrived */
	int reload_pending;      /* SIGHUP arrived, also while a reload ran */
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

static void pool_init(struct pool *p, int n)
{
	p->slots = calloc((size_t)n, sizeof(*p->slots));
	if (p->slots == NULL)
		abort();
	p->n = n;
}

static void pool_free(struct pool *p)
{
	free(p->slots);
	p->slots = NULL;
	p->n = 0;
}

/* Forks a worker into s. With ready non-NULL, *ready gets the read end of a pipe the
 * worker writes one byte to once it can take requests (-1 if the fork failed). */
static void spawn(struct slot *s, int index, const struct config *cfg, const struct router *rt, int fd, int *ready)
{
	int p[2] = { -1, -1 };
	if (ready != NULL)
		*ready = -1;
	if (ready != NULL && pipe2(p, O_CLOEXEC) != 0) {
		log_error("supervisor: pipe: %s", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		log_error("supervisor: fork: %s", strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &s->not_before);
		s->not_before.tv_sec += 1;
		if (p[0] >= 0) {
			close(p[0]);
			close(p[1]);
		}
		return;
	}
	/* exit(), not _exit(): LeakSanitizer's check runs from atexit in the worker. */
	if (pid == 0) {
		/* the slot's counters, whatever its earlier workers counted included */
		metrics_attach(index);
		if (p[0] >= 0)
			close(p[0]);
		exit(worker_run(cfg, rt, fd, p[1]));
	}
	if (p[1] >= 0)
		close(p[1]);
	if (ready != NULL)
		*ready = p[0];
	s->pid = pid;
	s->retiring = 0;
	clock_gettime(CLOCK_MONOTONIC, &s->started);
}

static struct slot *find(struct supervisor *sv, pid_t pid)
{
	struct pool *pools[2] = { &sv->cur, &sv->next };
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < pools[k]->n; i++)
			if (pools[k]->slots[i].pid == pid)
				return &pools[k]->slots[i];
	return NULL;
}

static void reap(struct supervisor *sv)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct slot *s = find(sv, pid);
		if (s == NULL)
			continue;
		s->pid = 0;
		if (s->retiring || sv->stopping) {
			s->retiring = 0;
			if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
				log_warn("supervisor: worker %d exited with %d", (int)pid,
					 WEXITSTATUS(status));
			continue;
		}
		if (WIFSIGNALED(status))
			log_warn("supervisor: worker %d killed by signal %d; respawning", (int)pid,
				 WTERMSIG(status));
		else
			log_warn("supervisor: worker %d exited with %d; respawning", (int)pid,
				 WEXITSTATUS(status));
		metrics_worker_restarted();
		memset(&s->not_before, 0, sizeof(s->not_before));
		if (now_s() - ts_s(&s->started) < 1.0) {
			clock_gettime(CLOCK_MONOTONIC, &s->not_before);
			s->not_before.tv_sec += 1;
		}
	}
}

/* Waits up to seconds for one signal and notes it; reaps whatever exited meanwhile. */
static void take_signal(struct supervisor *sv, double seconds)
{
	struct timespec to = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
	int sig = sigtimedwait(&sv->set, NULL, &to);
	if (sig == SIGTERM || sig == SIGINT)
		sv->stopping = 1;
	else if (sig == SIGHUP)
		sv->reload_pending = 1;
	reap(sv);
}

static int alive(const struct supervisor *sv)
{
	int k = 0;
	for (int i = 0; i < sv->cur.n; i++)
		k += sv->cur.slots[i].pid != 0;
	for (int i = 0; i < sv->next.n; i++)
		k += sv->next.slots[i].pid != 0;
	return k;
}

static void signal_all(const struct supervisor *sv, int sig)
{
	for (int i = 0; i < sv->cur.n; i++)
		if (sv->cur.slots[i].pid != 0)
			kill(sv->cur.slots[i].pid, sig);
	for (int i = 0; i < sv->next.n; i++)
		if (sv->next.slots[i].pid != 0)
			kill(sv->next.slots[i].pid, sig);
}

/* A new worker's ready byte: 0 once read; -1 if it exited first (end of file), did not
 * get there within READY_SECONDS, or a stop was asked for meanwhile. */
static int wait_ready(struct supervisor *sv, int rd)
{
	double deadline = now_s() + READY_SECONDS;
	while (!sv->stopping && now_s() < deadline) {
		struct pollfd p = { rd, POLLIN, 0 };
		if (poll(&p, 1, 50) > 0) {
			char b;
			return read(rd, &b, 1) == 1 ? 0 : -1;
		}
		take_signal(sv, 0);
	}
	return -1;
}

/* Stops one worker the way a shutdown does: SIGTERM, repeated for one that was about to
 * block in accept(), lets its request in flight finish; SIGKILL after the grace period. */
static void retire(struct supervisor *sv, struct slot *s)
{
	double deadline = now_s() + sv->cfg->shutdown_grace_seconds;
	if (s->pid != 0)
		s->retiring = 1;
	while (s->pid != 0 && !sv->stopping) {
		kill(s->pid, now_s() > deadline ? SIGKILL : SIGTERM);
		take_signal(sv, 0.1);
	}
}

/* The log the reload's workers inherit: next's log_file, if another, at next's level. -1
 * with the log unchanged if it cannot be opened. */
static int switch_log(const struct config *cur, const struct config *next)
{
	int same = next->log_file == NULL ||
		   (cur->log_file != NULL && strcmp(cur->log_file, next->log_file) == 0);
	if (!same && log_open(next->log_file) != 0) {
		log_error("supervisor: reload refused: cannot open log_file %s: %s", next->log_file,
			  strerror(errno));
		return -1;
	}
	log_set_level((enum log_level)next->log_level);
	return 0;
}

/* Starts next's workers one at a time, each ready before one old worker is retired. 0 when
 * all are up; -1 (a new worker did not get ready, or a stop came) leaves the started ones
 * in sv->next and the retired old ones' slots empty. */
static int replace_workers(struct supervisor *sv, const struct config *next)
{
	int total = sv->cur.n > sv->next.n ? sv->cur.n : sv->next.n;
	for (int i = 0; i < total && !sv->stopping; i++) {
		if (i < sv->next.n) {
			int rd;
			spawn(&sv->next.slots[i], i, next, sv->rt, sv->fd, &rd);
			int ready = rd >= 0 && wait_ready(sv, rd) == 0;
			if (rd >= 0)
				close(rd);
			if (!ready) {
				if (!sv->stopping)
					log_error("supervisor: reload failed: new worker %d did not get ready; "
						  "the running configuration stays", (int)sv->next.slots[i].pid);
				return -1;
			}
		}
		if (i < sv->cur.n)
			retire(sv, &sv->cur.slots[i]);
	}
	return sv->stopping ? -1 : 0;
}

static void reload(struct supervisor *sv)
{
	char err[512], changed[256];
	struct config *next = calloc(1, sizeof(*next));
	if (next == NULL)
		abort();
	/* First, so that all this reload says lands in the file logrotate left in its place. */
	if (log_reopen() != 0)
		log_error("supervisor: cannot reopen log_file %s: %s", sv->cfg->log_file, strerror(errno));
	log_info("supervisor: SIGHUP: reloading the configuration");
	if (sv->load(next, err, sizeof(err)) != 0) {
		log_error("supervisor: reload refused, the %d running workers stay: %s", alive(sv), err);
		config_free(next);
		free(next);
		return;
	}
	config_keep_restart_only(sv->cfg, next, changed, sizeof(changed));
	if (changed[0] != '\0')
		log_warn("supervisor: %s changed: that needs a restart; the running value is kept", changed);
	if (switch_log(sv->cfg, next) != 0) {
		config_free(next);
		free(next);
		return;
	}
	pool_init(&sv->next, next->workers);
	if (replace_workers(sv, next) == 0) {
		pool_free(&sv->cur);
		sv->cur = sv->next;
		sv->next = (struct pool){ NULL, 0 };
		config_free(sv->cfg);
		*sv->cfg = *next;
		log_info("supervisor: reloaded; %d new workers", sv->cur.n);
	} else if (!sv->stopping) {
		/* Back to the running configuration: the new workers go, the main loop refills
		 * the old slots a retire emptied with workers of the running configuration. */
		for (int i = 0; i < sv->next.n; i++)
			retire(sv, &sv->next.slots[i]);
		if (!sv->stopping)
			pool_free(&sv->next);
		log_open(sv->cfg->log_file);
		log_set_level((enum log_level)sv->cfg->log_level);
		config_free(next);
	} else {
		config_free(next);      /* the stop takes the workers of both pools */
	}
	free(next);
}

int supervisor_run(struct config *cfg, supervisor_load_fn load, const struct router *rt, int listen_fd)
{
	struct supervisor sv = { .cfg = cfg, .load = load, .rt = rt, .fd = listen_fd };
	pool_init(&sv.cur, cfg->workers);

	sigset_t old;
	sigemptyset(&sv.set);
	sigaddset(&sv.set, SIGTERM);
	sigaddset(&sv.set, SIGINT);
	sigaddset(&sv.set, SIGCHLD);
	sigaddset(&sv.set, SIGHUP);
	sigprocmask(SIG_BLOCK, &sv.set, &old);
	signal(SIGPIPE, SIG_IGN);

	/* before any fork, so every worker shares it; room for as many workers as a config
	 * allows. During a reload the new worker of slot i and the old one count side by side
	 * in slot i (metrics.c adds atomically). */
	metrics_init(METRICS_SLOTS_MAX);
	log_info("supervisor: starting %d workers", sv.cur.n);
	while (!sv.stopping) {
		double now = now_s(), wait = sv.reload_pending ? 0.0 : 5.0;
		for (int i = 0; i < sv.cur.n; i++) {
			struct slot *s = &sv.cur.slots[i];
			if (s->pid != 0)
				continue;
			double nb = ts_s(&s->not_before);
			if (nb <= now)
				spawn(s, i, sv.cfg, rt, listen_fd, NULL);
			else if (nb - now < wait)
				wait = nb - now;
		}
		if (sv.reload_pending) {
			sv.reload_pending = 0;
			reload(&sv);
			continue;
		}
		take_signal(&sv, wait);
	}

	log_info("supervisor: stopping; waiting for requests in flight");
	double deadline = now_s() + sv.cfg->shutdown_grace_seconds;
	signal_all(&sv, SIGTERM);
	while (alive(&sv) > 0) {
		struct timespec to = { 0, 100 * 1000 * 1000 };
		sigset_t chld;
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigtimedwait(&chld, NULL, &to);
		reap(&sv);
		if (alive(&sv) == 0)
			break;
		if (now_s() > deadline) {
			log_warn("supervisor: grace period over; killing %d workers", alive(&sv));
			signal_all(&sv, SIGKILL);
		} else {
			/* Repeated: a TERM that arrived just before a worker entered accept()
			 * would otherwise leave it blocked there. */
			signal_all(&sv, SIGTERM);
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	pool_free(&sv.cur);
	pool_free(&sv.next);
	log_info("supervisor: stopped");
	return 0;
}

/* Log lines: a JSON object each (Jansson encodes them), time in RFC 3339 UTC with
 * milliseconds, level, pid, message, then the caller's fields; written with one write(2)
 * so lines from several workers sharing the file never interleave. */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/utf8.h"

static enum log_level current_level = LOG_INFO;
static char *log_path;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_set_level(enum log_level level)
{
	current_level = level;
}

int log_enabled(enum log_level level)
{
	return level >= current_level;
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* A JSON string of s; bytes that are not UTF-8 (a message quoting what a peer sent) become '?'. */
static json_t *text(const char *s)
{
	size_t n = strlen(s);
	if (utf8_valid(s, n))
		return json_stringn(s, n);
	char *copy = strdup(s);
	if (copy == NULL)
		return json_string("?");
	for (size_t i = 0; i < n;) {
		size_t ok = utf8_valid_prefix(copy + i, n - i);
		i += ok;
		if (i < n)
			copy[i++] = '?';
	}
	json_t *v = json_stringn(copy, n);
	free(copy);
	return v;
}

static void emit(json_t *line)
{
	char buf[4096];
	/* 15 digits: a duration in ms with three decimals prints as written, not 12.340000000000001 */
	size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(15);
	size_t n = json_dumpb(line, buf, sizeof(buf) - 1, flags);
	char *out = buf;
	if (n >= sizeof(buf) - 1) {
		out = json_dumps(line, flags);
		n = out != NULL ? strlen(out) : 0;
	}
	if (out != NULL && n > 0) {
		char *w = out == buf ? buf : realloc(out, n + 1);
		if (w != NULL) {
			w[n] = '\n';
			ssize_t rc = write(STDERR_FILENO, w, n + 1);
			(void)rc;
			out = w;
		}
	}
	if (out != buf)
		free(out);
}

void log_event(enum log_level level, const char *msg, json_t *fields)
{
	if (!log_enabled(level)) {
		json_decref(fields);
		return;
	}
	char when[64];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)(ts.tv_nsec / 1000000) % 1000);
	json_t *line = json_object();
	json_object_set_new(line, "time", json_string(when));
	json_object_set_new(line, "level", json_string(level_names[level]));
	json_object_set_new(line, "pid", json_integer((json_int_t)getpid()));
	json_object_set_new(line, "msg", text(msg));
	if (fields != NULL) {
		json_object_update(line, fields);
		json_decref(fields);
	}
	emit(line);
	json_decref(line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_event(level, msg, NULL);
}

static int open_onto_stderr(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (fd != STDERR_FILENO && dup2(fd, STDERR_FILENO) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (fd != STDERR_FILENO)
		close(fd);
	return 0;
}

int log_open(const char *path)
{
	if (open_onto_stderr(path) != 0)
		return -1;
	char *copy = strdup(path);
	if (copy == NULL)
		abort();
	free(log_path);
	log_path = copy;
	return 0;
}

int log_reopen(void)
{
	return log_path != NULL ? open_onto_stderr(log_path) : 0;
}

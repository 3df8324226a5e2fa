/* Leveled logging, one JSON object a line, to stderr (or the configured log file, which
 * log_reopen opens anew for logrotate). Never pass a secret, a key, a password or a token
 * here, nor a request body. */
#ifndef AUTHZD_LOG_H
#define AUTHZD_LOG_H

#include <jansson.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
int log_level_parse(const char *s, enum log_level *out);
int log_enabled(enum log_level level);
/* {"time":"2025-01-31T12:00:00.123Z","level":"warn","pid":42,"msg":"..."} */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same line with fields' members after msg (fields is stolen; NULL: none). */
void log_event(enum log_level level, const char *msg, json_t *fields);

/* Sends stderr, and so every later line (and whatever else writes there: a sanitizer's
 * report, a crash), to path, opened for appending. 0, or -1 with errno. */
int log_open(const char *path);
/* Opens the file log_open was given again (after logrotate moved it): for SIGHUP. Lines
 * written meanwhile went to the old file. 0 (also when there is no log file), or -1 with
 * errno (the old file is kept). Processes forked after it write to the new file; one forked
 * before keeps the old until it calls this itself. */
int log_reopen(void);

#define log_debug(...) do { if (log_enabled(LOG_DEBUG)) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif

/* Leveled logging to stderr, one line per event. Never pass a secret or a token here. */
#ifndef AUTHZD_LOG_H
#define AUTHZD_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
int log_level_parse(const char *s, enum log_level *out);
int log_enabled(enum log_level level);
/* Appends to path from now on (path NULL: stderr as inherited); -1 with errno if it cannot
 * be opened, and the log stays where it was. */
int log_open(const char *path);
/* Opens log_open's file again (logrotate moved it away); nothing without one. */
int log_reopen(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) do { if (log_enabled(LOG_DEBUG)) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif

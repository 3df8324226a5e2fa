/* The authorization server as every dialect sees it, and the rules its values obey.
 * No SQL and no HTTP here: dialects map onto this, db_server.c stores it. */
#ifndef AUTHZD_MODEL_SERVER_H
#define AUTHZD_MODEL_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define SERVER_NAME_MAX 255
#define SERVER_DESCRIPTION_MAX 2000
#define SERVER_URI_MAX 2048
#define SERVER_AUDIENCES_MAX 100
#define SERVER_ACCESS_TTL_MIN 1
#define SERVER_ACCESS_TTL_MAX 1440          /* minutes: one day */
#define SERVER_ACCESS_TTL_DEFAULT 10
#define SERVER_REFRESH_TTL_MIN 1
#define SERVER_REFRESH_TTL_MAX 525600       /* minutes: one year */
#define SERVER_REFRESH_TTL_DEFAULT 30

struct server {
	int64_t id;
	const char *name;
	const char *description;             /* NULL when unset */
	const char *resource_identifier;
	const char **audiences;
	size_t naudiences;
	int access_ttl_minutes;
	int refresh_ttl_minutes;
	int version;
	const char *created_at;              /* ISO 8601, from the database */
	const char *updated_at;
};

/* Sets the defaults a new server gets for everything a dialect may leave out. */
void server_init(struct server *s);

/* Checks every rule and records each failure in e (field, message); returns ST_INVALID if
 * any failed, else ST_OK. Messages read after the field name: "can't be blank". */
status_t server_validate(const struct server *s, struct app_error *e);

/* True if s looks like an absolute URI: scheme ":" rest, no spaces or controls. */
int model_is_absolute_uri(const char *s);
/* True if s has non-space content. */
int model_is_blank(const char *s);

#endif

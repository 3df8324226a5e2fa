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

struct token_body_param {
	const char *name;
	const char *value;
};

/* A list of strings (arena-owned when read from the database). */
struct strlist {
	const char **items;
	size_t n;
};

struct server {
	int64_t id;
	const char *name;
	const char *description;             /* NULL when unset */
	const char *resource_identifier;
	const char **audiences;
	size_t naudiences;
	int access_ttl_minutes;
	int refresh_ttl_minutes;
	int version;                         /* bumped by every write: the ETag */

	/* OAuth client settings (the Azure dialect's properties) */
	const char *resource_name;           /* Azure authsid; NULL for other dialects */
	const char *client_registration_endpoint;
	const char *authorization_endpoint;
	const char *token_endpoint;
	const char *client_id;
	const char *default_scope;
	int support_state;
	int use_in_test_console;
	int use_in_api_documentation;
	struct strlist grant_types;          /* grant_types.name: authorization_code, ... */
	struct strlist authorization_methods;
	struct strlist client_authentication_methods;
	struct strlist bearer_token_sending_methods;
	struct token_body_param *token_body_params;
	size_t ntoken_body_params;
	/* Secrets, in the clear only while a request holds them; NULL = not given. */
	const char *client_secret;
	const char *resource_owner_username;
	const char *resource_owner_password;
};

#define SERVER_DISPLAY_NAME_MAX 50
#define SERVER_RESOURCE_NAME_MAX 80

/* Sets the defaults a new server gets for everything a dialect may leave out. */
void server_init(struct server *s);

/* Checks every rule and records each failure in e (field, message); returns ST_INVALID if
 * any failed, else ST_OK. Messages read after the field name: "can't be blank". */
status_t server_validate(const struct server *s, struct app_error *e);

/* The rules of an OAuth client-settings server (the Azure dialect): display name 1..50,
 * registration and authorization endpoints absolute URLs, client id, at least one grant
 * type, GET among the authorization methods, known enum values. Field names in e are
 * the Azure property names ("displayName", "grantTypes", ...). */
status_t server_validate_oauth(const struct server *s, struct app_error *e);
/* 1 if name is a valid Azure authsid (1..80 chars, none of *#&+:<>?). */
int model_is_resource_name(const char *name);

/* True if s looks like an absolute URI: scheme ":" rest, no spaces or controls. */
int model_is_absolute_uri(const char *s);
/* True if s has non-space content. */
int model_is_blank(const char *s);

#endif

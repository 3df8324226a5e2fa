/* The authorization server as every dialect sees it, and the rules its values obey.
 * No SQL and no HTTP here: dialects map onto this, db/ stores it. Field names in errors are
 * the model's (snake_case); each dialect shows them in its own spelling. */
#ifndef AUTHZD_MODEL_SERVER_H
#define AUTHZD_MODEL_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define SERVER_NAME_MAX 255
#define SERVER_DISPLAY_NAME_MAX 50           /* an OAuth client profile's name */
#define SERVER_DESCRIPTION_MAX 2000
#define SERVER_URI_MAX 2048
#define SERVER_AUDIENCES_MAX 100
#define SERVER_ACCESS_TTL_MIN 1
#define SERVER_ACCESS_TTL_MAX 1440          /* minutes: one day */
#define SERVER_ACCESS_TTL_DEFAULT 10
#define SERVER_REFRESH_TTL_MIN 1
#define SERVER_REFRESH_TTL_MAX 525600       /* minutes: one year */
#define SERVER_REFRESH_TTL_DEFAULT 30
#define SERVER_CLIENT_ID_MAX 1024
#define SERVER_PARAMS_MAX 100
#define SERVER_RESOURCE_NAME_MAX 80

struct token_body_param {
	const char *name;
	const char *value;
};

/* A list of strings (arena-owned when read from the database). */
struct strlist {
	const char **items;
	size_t n;
};

/* Which rules a server must satisfy, by what its dialect registers:
 *   SERVER_API           an API authorization server (OneLogin): resource identifier,
 *                        audiences, token lifetimes
 *   SERVER_OAUTH_CLIENT  OAuth client settings (Azure API Management): endpoints, client,
 *                        grant types, methods */
enum server_profile { SERVER_API, SERVER_OAUTH_CLIENT };

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

	/* OAuth client settings */
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

/* Sets the defaults a new server gets for everything a dialect may leave out. */
void server_init(struct server *s);

/* Checks every rule of the profile and records each failure in e; returns ST_INVALID if
 * any failed, else ST_OK. */
status_t server_validate(const struct server *s, enum server_profile profile, struct app_error *e);

/* 1 if name is a valid Azure authsid (1..80 characters, none of *#&+:<>?). */
int model_is_resource_name(const char *name);
/* True if s looks like an absolute URI: scheme ":" rest, no spaces or controls. */
int model_is_absolute_uri(const char *s);
/* True if s could be a URI reference (absolute or relative): no spaces, controls or the
 * characters RFC 3986 never allows. */
int model_is_uri_reference(const char *s);
/* True if s is NULL or nothing but white space. */
int model_is_blank(const char *s);
/* Text rules shared by every entity: blank (when required) and longer than max characters. */
void model_check_text(struct app_error *e, const char *field, const char *v, int required, long max);

#endif

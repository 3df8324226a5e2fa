/* Authorization-server rules. Every failing rule is reported, not only the first, so a
 * client fixes its request in one round. Lengths count characters (UTF-8 code points). */
#include "model/server.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

void server_init(struct server *s)
{
	memset(s, 0, sizeof(*s));
	s->access_ttl_minutes = SERVER_ACCESS_TTL_DEFAULT;
	s->refresh_ttl_minutes = SERVER_REFRESH_TTL_DEFAULT;
}

static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int model_is_blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static int has_authority(const char *rest)
{
	return rest[0] == '/' && rest[1] == '/' && rest[2] != '\0' && rest[2] != '/';
}

int model_is_absolute_uri(const char *s)
{
	if (s == NULL || !isalpha((unsigned char)s[0]))
		return 0;
	const char *p = s + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || p[1] == '\0')
		return 0;
	size_t scheme_len = (size_t)(p - s);
	const char *rest = p + 1;
	for (p = rest; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("\"<>\\^`{|}", *p) != NULL)
			return 0;
	/* http(s) URIs need a host: "https:foo" or "https:///x" is no address. */
	if (((scheme_len == 4 && strncasecmp(s, "http", 4) == 0) ||
	     (scheme_len == 5 && strncasecmp(s, "https", 5) == 0)) && !has_authority(rest))
		return 0;
	return 1;
}

static void check_audiences(const struct server *s, struct app_error *e)
{
	if (s->naudiences == 0) {
		error_add(e, "audiences", "can't be blank");
		return;
	}
	if (s->naudiences > SERVER_AUDIENCES_MAX) {
		error_add(e, "audiences", "is too long (maximum is 100 audiences)");
		return;
	}
	int blank = 0, dup = 0, long_ = 0, spaces = 0;
	for (size_t i = 0; i < s->naudiences; i++) {
		const char *a = s->audiences[i];
		if (model_is_blank(a)) {
			blank = 1;
			continue;
		}
		if (isspace((unsigned char)a[0]) || isspace((unsigned char)a[strlen(a) - 1]))
			spaces = 1;
		if (utf8_len(a) > SERVER_URI_MAX)
			long_ = 1;
		for (size_t j = 0; j < i; j++)
			if (s->audiences[j] != NULL && strcmp(s->audiences[j], a) == 0)
				dup = 1;
	}
	if (blank)
		error_add(e, "audiences", "can't contain blank values");
	if (spaces)
		error_add(e, "audiences", "can't have leading or trailing spaces");
	if (long_)
		error_add(e, "audiences", "can't contain values longer than 2048 characters");
	if (dup)
		error_add(e, "audiences", "can't contain duplicates");
}

status_t server_validate(const struct server *s, struct app_error *e)
{
	size_t before = e->ndetails;

	if (model_is_blank(s->name))
		error_add(e, "name", "can't be blank");
	else if (utf8_len(s->name) > SERVER_NAME_MAX)
		error_add(e, "name", "is too long (maximum is 255 characters)");

	if (s->description != NULL && utf8_len(s->description) > SERVER_DESCRIPTION_MAX)
		error_add(e, "description", "is too long (maximum is 2000 characters)");

	if (model_is_blank(s->resource_identifier))
		error_add(e, "resource_identifier", "can't be blank");
	else if (utf8_len(s->resource_identifier) > SERVER_URI_MAX)
		error_add(e, "resource_identifier", "is too long (maximum is 2048 characters)");
	else if (!model_is_absolute_uri(s->resource_identifier))
		error_add(e, "resource_identifier", "is not a valid URI");

	check_audiences(s, e);

	if (s->access_ttl_minutes < SERVER_ACCESS_TTL_MIN)
		error_add(e, "access_token_expiration_minutes", "must be greater than 0");
	else if (s->access_ttl_minutes > SERVER_ACCESS_TTL_MAX)
		error_add(e, "access_token_expiration_minutes",
			  "must be less than or equal to 1440");

	if (s->refresh_ttl_minutes < SERVER_REFRESH_TTL_MIN)
		error_add(e, "refresh_token_expiration_minutes", "must be greater than 0");
	else if (s->refresh_ttl_minutes > SERVER_REFRESH_TTL_MAX)
		error_add(e, "refresh_token_expiration_minutes",
			  "must be less than or equal to 525600");

	if (e->ndetails == before)
		return ST_OK;
	e->status = ST_INVALID;
	return ST_INVALID;
}

int model_is_resource_name(const char *name)
{
	if (name == NULL || name[0] == '\0' || utf8_len(name) > SERVER_RESOURCE_NAME_MAX)
		return 0;
	return strpbrk(name, "*#&+:<>?") == NULL;
}

static int in_set(const char *v, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(v, *set) == 0)
			return 1;
	return 0;
}

/* Every item known and none twice. */
static int list_ok(const struct strlist *l, const char *const *set)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!in_set(l->items[i], set))
			return 0;
		for (size_t j = 0; j < i; j++)
			if (strcmp(l->items[i], l->items[j]) == 0)
				return 0;
	}
	return 1;
}

static int is_absolute_url(const char *s)
{
	return (strncasecmp(s, "https://", 8) == 0 || strncasecmp(s, "http://", 7) == 0) &&
	       model_is_absolute_uri(s) && utf8_len(s) <= SERVER_URI_MAX;
}

static void check_url(const char *v, const char *field, int required, struct app_error *e)
{
	if (v == NULL || v[0] == '\0') {
		if (required)
			error_add(e, field, "is required");
		return;
	}
	if (!is_absolute_url(v))
		error_add(e, field, "must be an absolute URL");
}

static const char *const GRANT_TYPES[] = { "authorization_code", "implicit", "password",
					   "client_credentials", NULL };
static const char *const AUTH_METHODS[] = { "HEAD", "OPTIONS", "TRACE", "GET", "POST", "PUT",
					    "PATCH", "DELETE", NULL };
static const char *const CLIENT_AUTH_METHODS[] = { "Basic", "Body", NULL };
static const char *const BEARER_METHODS[] = { "authorizationHeader", "query", NULL };

status_t server_validate_oauth(const struct server *s, struct app_error *e)
{
	size_t before = e->ndetails;

	if (model_is_blank(s->name))
		error_add(e, "displayName", "is required");
	else if (utf8_len(s->name) > SERVER_DISPLAY_NAME_MAX)
		error_add(e, "displayName", "must be between 1 and 50 characters long");
	if (s->description != NULL && utf8_len(s->description) > SERVER_DESCRIPTION_MAX)
		error_add(e, "description", "must be at most 2000 characters long");
	check_url(s->client_registration_endpoint, "clientRegistrationEndpoint", 1, e);
	check_url(s->authorization_endpoint, "authorizationEndpoint", 1, e);
	check_url(s->token_endpoint, "tokenEndpoint", 0, e);
	if (model_is_blank(s->client_id))
		error_add(e, "clientId", "is required");
	else if (utf8_len(s->client_id) > 1024)
		error_add(e, "clientId", "must be at most 1024 characters long");
	if (s->default_scope != NULL && utf8_len(s->default_scope) > SERVER_URI_MAX)
		error_add(e, "defaultScope", "must be at most 2048 characters long");

	if (s->grant_types.n == 0)
		error_add(e, "grantTypes", "must contain at least one grant type");
	else if (!list_ok(&s->grant_types, GRANT_TYPES))
		error_add(e, "grantTypes", "must contain only authorizationCode, implicit, "
					   "resourceOwnerPassword or clientCredentials, each once");
	if (!list_ok(&s->authorization_methods, AUTH_METHODS))
		error_add(e, "authorizationMethods", "must contain only HEAD, OPTIONS, TRACE, GET, POST, "
						     "PUT, PATCH or DELETE, each once");
	if (s->authorization_methods.n > 0) {
		int has_get = 0;
		for (size_t i = 0; i < s->authorization_methods.n; i++)
			has_get |= strcmp(s->authorization_methods.items[i], "GET") == 0;
		if (!has_get)
			error_add(e, "authorizationMethods", "must contain GET");
	}
	if (!list_ok(&s->client_authentication_methods, CLIENT_AUTH_METHODS))
		error_add(e, "clientAuthenticationMethod", "must contain only Basic or Body, each once");
	if (!list_ok(&s->bearer_token_sending_methods, BEARER_METHODS))
		error_add(e, "bearerTokenSendingMethods",
			  "must contain only authorizationHeader or query, each once");
	for (size_t i = 0; i < s->ntoken_body_params; i++) {
		const struct token_body_param *p = &s->token_body_params[i];
		int dup = 0;
		for (size_t j = 0; j < i; j++)
			dup |= strcmp(p->name, s->token_body_params[j].name) == 0;
		if (p->name[0] == '\0' || utf8_len(p->name) > 256 || utf8_len(p->value) > 4096 || dup) {
			error_add(e, "tokenBodyParameters",
				  "must have unique names of 1 to 256 characters and values of at most 4096");
			break;
		}
	}
	if (s->ntoken_body_params > 100)
		error_add(e, "tokenBodyParameters", "must have at most 100 entries");

	if (e->ndetails == before)
		return ST_OK;
	e->status = ST_INVALID;
	return ST_INVALID;
}

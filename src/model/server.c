/* Authorization-server rules. Every failing rule is reported, not only the first, so a
 * client fixes its request in one round. Lengths count characters (UTF-8 code points). */
#include "model/server.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

void server_init(struct server *s)
{
	memset(s, 0, sizeof(*s));
	s->access_ttl_minutes = SERVER_ACCESS_TTL_DEFAULT;
	s->refresh_ttl_minutes = SERVER_REFRESH_TTL_DEFAULT;
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

void model_check_text(struct app_error *e, const char *field, const char *v, int required, long max)
{
	if (model_is_blank(v)) {
		if (required)
			error_add(e, field, RULE_REQUIRED, 0);
		return;
	}
	if (utf8_chars(v) > (size_t)max)
		error_add(e, field, RULE_TOO_LONG, max);
}

int model_is_uri_reference(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || strchr("\"<>\\^`{|}", *s) != NULL)
			return 0;
	return 1;
}

static int has_authority(const char *rest)
{
	return rest[0] == '/' && rest[1] == '/' && rest[2] != '\0' && rest[2] != '/';
}

static int is_http_scheme(const char *s, size_t len)
{
	return (len == 4 && strncasecmp(s, "http", 4) == 0) || (len == 5 && strncasecmp(s, "https", 5) == 0);
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
	return !is_http_scheme(s, scheme_len) || has_authority(rest);
}

static int is_absolute_url(const char *s)
{
	size_t scheme = strcspn(s, ":");
	return is_http_scheme(s, scheme) && model_is_absolute_uri(s) && utf8_chars(s) <= SERVER_URI_MAX;
}

static void check_audiences(const struct server *s, struct app_error *e)
{
	if (s->naudiences == 0) {
		error_add(e, "audiences", RULE_REQUIRED, 0);
		return;
	}
	if (s->naudiences > SERVER_AUDIENCES_MAX) {
		error_add(e, "audiences", RULE_TOO_MANY, SERVER_AUDIENCES_MAX);
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
		if (utf8_chars(a) > SERVER_URI_MAX)
			long_ = 1;
		for (size_t j = 0; j < i; j++)
			if (s->audiences[j] != NULL && strcmp(s->audiences[j], a) == 0)
				dup = 1;
	}
	if (blank)
		error_add(e, "audiences", RULE_ITEM_BLANK, 0);
	if (spaces)
		error_add(e, "audiences", RULE_ITEM_SPACES, 0);
	if (long_)
		error_add(e, "audiences", RULE_ITEM_TOO_LONG, SERVER_URI_MAX);
	if (dup)
		error_add(e, "audiences", RULE_DUPLICATES, 0);
}

static void check_range(struct app_error *e, const char *field, int v, int min, int max)
{
	if (v < min)
		error_add(e, field, RULE_TOO_SMALL, min);
	else if (v > max)
		error_add(e, field, RULE_TOO_LARGE, max);
}

static void check_api(const struct server *s, struct app_error *e)
{
	model_check_text(e, "name", s->name, 1, SERVER_NAME_MAX);
	model_check_text(e, "description", s->description, 0, SERVER_DESCRIPTION_MAX);
	model_check_text(e, "resource_identifier", s->resource_identifier, 1, SERVER_URI_MAX);
	if (!model_is_blank(s->resource_identifier) && utf8_chars(s->resource_identifier) <= SERVER_URI_MAX &&
	    !model_is_absolute_uri(s->resource_identifier))
		error_add(e, "resource_identifier", RULE_NOT_URI, 0);
	check_audiences(s, e);
	check_range(e, "access_token_expiration_minutes", s->access_ttl_minutes, SERVER_ACCESS_TTL_MIN,
		    SERVER_ACCESS_TTL_MAX);
	check_range(e, "refresh_token_expiration_minutes", s->refresh_ttl_minutes, SERVER_REFRESH_TTL_MIN,
		    SERVER_REFRESH_TTL_MAX);
}

int model_is_resource_name(const char *name)
{
	if (name == NULL || name[0] == '\0' || utf8_chars(name) > SERVER_RESOURCE_NAME_MAX)
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

static void check_url(struct app_error *e, const char *field, const char *v, int required)
{
	if (v == NULL || v[0] == '\0') {
		if (required)
			error_add(e, field, RULE_REQUIRED, 0);
		return;
	}
	if (!is_absolute_url(v))
		error_add(e, field, RULE_NOT_URL, 0);
}

static void check_list(struct app_error *e, const char *field, const struct strlist *l, const char *const *set)
{
	if (!list_ok(l, set))
		error_add(e, field, RULE_NOT_ALLOWED, 0);
}

static const char *const GRANT_TYPES[] = { "authorization_code", "implicit", "password",
					   "client_credentials", NULL };
static const char *const AUTH_METHODS[] = { "HEAD", "OPTIONS", "TRACE", "GET", "POST", "PUT",
					    "PATCH", "DELETE", NULL };
static const char *const CLIENT_AUTH_METHODS[] = { "Basic", "Body", NULL };
static const char *const BEARER_METHODS[] = { "authorizationHeader", "query", NULL };
static const char *const GET_ONLY[] = { "GET", NULL };

static void check_params(const struct server *s, struct app_error *e)
{
	for (size_t i = 0; i < s->ntoken_body_params; i++) {
		const struct token_body_param *p = &s->token_body_params[i];
		int dup = 0;
		for (size_t j = 0; j < i; j++)
			dup |= strcmp(p->name, s->token_body_params[j].name) == 0;
		if (p->name[0] == '\0' || utf8_chars(p->name) > 256 || utf8_chars(p->value) > 4096 || dup) {
			error_add(e, "token_body_parameters", RULE_BAD_ITEMS, 0);
			break;
		}
	}
	if (s->ntoken_body_params > SERVER_PARAMS_MAX)
		error_add(e, "token_body_parameters", RULE_TOO_MANY, SERVER_PARAMS_MAX);
}

static void check_oauth_client(const struct server *s, struct app_error *e)
{
	model_check_text(e, "name", s->name, 1, SERVER_DISPLAY_NAME_MAX);
	if (s->description != NULL && utf8_chars(s->description) > SERVER_DESCRIPTION_MAX)
		error_add(e, "description", RULE_TOO_LONG, SERVER_DESCRIPTION_MAX);
	check_url(e, "client_registration_endpoint", s->client_registration_endpoint, 1);
	check_url(e, "authorization_endpoint", s->authorization_endpoint, 1);
	check_url(e, "token_endpoint", s->token_endpoint, 0);
	model_check_text(e, "client_id", s->client_id, 1, SERVER_CLIENT_ID_MAX);
	if (s->default_scope != NULL && utf8_chars(s->default_scope) > SERVER_URI_MAX)
		error_add(e, "default_scope", RULE_TOO_LONG, SERVER_URI_MAX);
	if (s->grant_types.n == 0)
		error_add(e, "grant_types", RULE_TOO_FEW, 1);
	else
		check_list(e, "grant_types", &s->grant_types, GRANT_TYPES);
	check_list(e, "authorization_methods", &s->authorization_methods, AUTH_METHODS);
	if (s->authorization_methods.n > 0) {
		int has_get = 0;
		for (size_t i = 0; i < s->authorization_methods.n; i++)
			has_get |= in_set(s->authorization_methods.items[i], GET_ONLY);
		if (!has_get)
			error_add_item(e, "authorization_methods", RULE_MISSING_ITEM, GET_ONLY[0]);
	}
	check_list(e, "client_authentication_methods", &s->client_authentication_methods, CLIENT_AUTH_METHODS);
	check_list(e, "bearer_token_sending_methods", &s->bearer_token_sending_methods, BEARER_METHODS);
	check_params(s, e);
}

status_t server_validate(const struct server *s, enum server_profile profile, struct app_error *e)
{
	size_t before = e->ndetails;
	if (profile == SERVER_API)
		check_api(s, e);
	else
		check_oauth_client(s, e);
	return error_verdict(e, before);
}

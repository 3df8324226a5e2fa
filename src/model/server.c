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

/* Rules for scopes, claims and applications: every failing rule is reported. */
#include "model/resource.h"

#include <ctype.h>
#include <string.h>

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void check_text(struct app_error *e, const char *field, const char *v, int required, size_t max)
{
	if (model_is_blank(v)) {
		if (required)
			error_add(e, field, "can't be blank");
		return;
	}
	if (chars(v) > max)
		error_add(e, field, max == 255 ? "is too long (maximum is 255 characters)"
					      : "is too long (maximum is 2000 characters)");
}

static status_t done(struct app_error *e, size_t before)
{
	if (e->ndetails == before)
		return ST_OK;
	e->status = ST_INVALID;
	return ST_INVALID;
}

void claim_init(struct claim *c)
{
	memset(c, 0, sizeof(*c));
	c->skip_if_blank = -1;
	c->provisioned_entitlements = -1;
}

void application_init(struct application *a)
{
	memset(a, 0, sizeof(*a));
	a->access_validity_seconds = 3600;
	a->grant_validity_seconds = 7776000;
}

status_t scope_validate(const struct scope *s, struct app_error *e)
{
	size_t before = e->ndetails;
	check_text(e, "value", s->value, 1, 255);
	if (!model_is_blank(s->value))
		for (const char *p = s->value; *p; p++)
			if (isspace((unsigned char)*p)) {
				error_add(e, "value", "can't contain spaces");
				break;
			}
	check_text(e, "description", s->description, 1, 2000);
	return done(e, before);
}

status_t claim_validate(const struct claim *c, struct app_error *e)
{
	size_t before = e->ndetails;
	check_text(e, "name", c->name, 1, 255);
	check_text(e, "label", c->label, 0, 255);
	check_text(e, "user_attribute_mappings", c->user_attribute_mappings, 0, 255);
	check_text(e, "user_attribute_macros", c->user_attribute_macros, 0, 2000);
	check_text(e, "attributes_transformations", c->attributes_transformations, 0, 2000);
	check_text(e, "default_values", c->default_values, 0, 2000);
	if (c->values.n > 100)
		error_add(e, "values", "is too long (maximum is 100 values)");
	return done(e, before);
}

status_t application_validate(const struct application *a, struct app_error *e)
{
	size_t before = e->ndetails;
	check_text(e, "name", a->name, 1, 255);
	check_text(e, "description", a->description, 0, 2000);
	check_text(e, "vendor", a->vendor, 0, 255);
	if (a->url != NULL && a->url[0] != '\0' && !model_is_absolute_uri(a->url))
		error_add(e, "url", "is not a valid URI");
	return done(e, before);
}

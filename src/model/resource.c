/* Rules for scopes, claims and applications: every failing rule is reported. */
#include "model/resource.h"

#include <ctype.h>
#include <string.h>

#include "core/utf8.h"

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
	model_check_text(e, "value", s->value, 1, 255);
	if (!model_is_blank(s->value))
		for (const char *p = s->value; *p; p++)
			if (isspace((unsigned char)*p)) {
				error_add(e, "value", RULE_HAS_SPACES, 0);
				break;
			}
	model_check_text(e, "description", s->description, 1, 2000);
	return error_verdict(e, before);
}

status_t claim_validate(const struct claim *c, struct app_error *e)
{
	size_t before = e->ndetails;
	model_check_text(e, "name", c->name, 1, 255);
	model_check_text(e, "label", c->label, 0, 255);
	model_check_text(e, "user_attribute_mappings", c->user_attribute_mappings, 0, 255);
	model_check_text(e, "user_attribute_macros", c->user_attribute_macros, 0, 2000);
	model_check_text(e, "attributes_transformations", c->attributes_transformations, 0, 2000);
	model_check_text(e, "default_values", c->default_values, 0, 2000);
	if (c->values.n > 100)
		error_add(e, "values", RULE_TOO_MANY, 100);
	return error_verdict(e, before);
}

status_t application_validate(const struct application *a, struct app_error *e)
{
	size_t before = e->ndetails;
	if (a->client_id != NULL)
		model_check_text(e, "client_id", a->client_id, 1, APPLICATION_CLIENT_ID_MAX);
	model_check_text(e, "name", a->name, 1, APPLICATION_NAME_MAX);
	model_check_text(e, "description", a->description, 0, SERVER_DESCRIPTION_MAX);
	model_check_text(e, "vendor", a->vendor, 0, APPLICATION_VENDOR_MAX);
	if (a->url != NULL && a->url[0] != '\0') {
		if (utf8_chars(a->url) > APPLICATION_URL_MAX)
			error_add(e, "url", RULE_TOO_LONG, APPLICATION_URL_MAX);
		else if (!model_is_uri_reference(a->url))
			error_add(e, "url", RULE_NOT_URI, 0);
	}
	if (a->scope != NULL && utf8_chars(a->scope) > APPLICATION_SCOPE_MAX)
		error_add(e, "scope", RULE_TOO_LONG, APPLICATION_SCOPE_MAX);
	if (a->maximum_scope != NULL && utf8_chars(a->maximum_scope) > APPLICATION_SCOPE_MAX)
		error_add(e, "maximum_scope", RULE_TOO_LONG, APPLICATION_SCOPE_MAX);
	return error_verdict(e, before);
}

/* What hangs off an authorization server (scopes, claims) and the tenant's client
 * applications, with their rules. No SQL and no HTTP here. */
#ifndef AUTHZD_MODEL_RESOURCE_H
#define AUTHZD_MODEL_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "model/server.h"

#define APPLICATION_CLIENT_ID_MAX 128
#define APPLICATION_NAME_MAX 255
#define APPLICATION_VENDOR_MAX 255
#define APPLICATION_URL_MAX 2048
#define APPLICATION_SCOPE_MAX 4096

struct scope {
	int64_t id;
	const char *value;          /* e.g. "contacts:read"; no whitespace */
	const char *description;
};

struct claim {
	int64_t id;
	const char *name;
	const char *label;
	const char *user_attribute_mappings;
	const char *user_attribute_macros;
	const char *attributes_transformations;
	int skip_if_blank;          /* -1 unset */
	struct strlist values;
	int values_set;
	const char *default_values;
	int provisioned_entitlements;   /* -1 unset */
};

struct application {
	int64_t id;
	const char *uuid;
	const char *client_id;
	const char *name;
	const char *description;
	const char *vendor;
	const char *url;
	const char *scope;
	const char *maximum_scope;
	int access_validity_seconds;
	int grant_validity_seconds;
	int renewable;
	int64_t created_us, updated_us;  /* microseconds since the epoch */
	long grant_count;                /* live grants, where a read counts them */
};

void claim_init(struct claim *c);
void application_init(struct application *a);

/* Each adds one detail per failing rule (canonical snake_case fields) and returns
 * ST_INVALID if any failed. */
status_t scope_validate(const struct scope *s, struct app_error *e);
status_t claim_validate(const struct claim *c, struct app_error *e);
status_t application_validate(const struct application *a, struct app_error *e);

#endif

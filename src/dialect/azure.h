/* Azure API Management dialect (api-version 2022-08-01): authorizationServers under a
 * subscription/resource group/service triple, with ETags, $filter paging and listSecrets. */
#ifndef AUTHZD_DIALECT_AZURE_H
#define AUTHZD_DIALECT_AZURE_H

#include <stddef.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/status.h"
#include "db/db_azure.h"
#include "http/request.h"
#include "model/server.h"

status_t azure_server_list(struct request *r);
status_t azure_server_get(struct request *r);       /* GET and HEAD */
status_t azure_server_put(struct request *r);
status_t azure_server_patch(struct request *r);
status_t azure_server_delete(struct request *r);
status_t azure_server_list_secrets(struct request *r);

/* "\"AAAAAAAAAAE=\"": the quoted base64 of the 8-byte big-endian version. */
const char *azure_etag(arena_t *a, int version);
/* An If-Match value: a version it names, DB_AZURE_ANY_VERSION for "*",
 * DB_AZURE_NO_PRECONDITION when absent, DB_AZURE_NO_VERSION for anything else (a tag that
 * is not one of ours can never match). */
int azure_if_match(const char *header);

/* Parses an OData $filter on name/displayName (eq ne gt lt ge le, substringof, contains,
 * startswith, endswith, optionally "eq true", joined with and, parentheses up to a small
 * depth) into *out. -1 (and a message in *err) if the filter is not understood. */
int azure_filter_parse(arena_t *a, const char *filter, struct azure_filter *out, const char **err);

/* Maps {"properties":{...}} onto s. Fields absent from the body are left as they are,
 * so PUT passes defaults and PATCH the stored server. Type errors are added to r->err as
 * details and ST_INVALID returned once all are seen; *secrets gets what the body says of
 * each secret (set with the value in s, removed, or kept when absent). */
status_t azure_server_from_json(struct request *r, json_t *body, struct server *s,
				enum azure_secret_change secrets[AZURE_SECRETS]);
json_t *azure_server_to_json(arena_t *a, const struct server *s, const struct azure_service *svc);

/* The Azure property name of a model field ("client_id" -> "clientId"). */
const char *azure_property(const char *field);

#endif

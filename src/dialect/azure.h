/* Azure API Management dialect (api-version 2022-08-01): authorizationServers under a
 * subscription/resource group/service triple, with ETags, $filter paging and listSecrets. */
#ifndef AUTHZD_DIALECT_AZURE_H
#define AUTHZD_DIALECT_AZURE_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "http/request.h"
#include "model/server.h"
#include "status.h"

status_t azure_server_list(struct request *r);
status_t azure_server_get(struct request *r);       /* GET and HEAD */
status_t azure_server_put(struct request *r);
status_t azure_server_patch(struct request *r);
status_t azure_server_delete(struct request *r);
status_t azure_server_list_secrets(struct request *r);

/* "\"AAAAAAAAAAE=\"": the quoted base64 of the 8-byte big-endian version. */
const char *azure_etag(arena_t *a, int version);
/* If-Match value -> a version, DB_AZURE_ANY_VERSION for "*", or -3 if it cannot match. */
int azure_if_match(const char *header);

/* Parses an OData $filter on name/displayName into the JSON the list query takes:
 * {"name":{"eq":["x"],"contains":["y"]},"displayName":{...}}. NULL (and a message in
 * *err) if the filter is not understood. */
char *azure_filter_parse(arena_t *a, const char *filter, const char **err);

/* Maps {"properties":{...}} onto s. Fields absent from the body are left as they are,
 * so PUT passes defaults and PATCH the stored server. Type errors are added to r->err as
 * details (target = property name) and ST_INVALID returned once all are seen. */
status_t azure_server_from_json(struct request *r, json_t *body, struct server *s, int *secrets_given);
json_t *azure_server_to_json(arena_t *a, const struct server *s, const char *sub, const char *rg,
			     const char *svc);

#define AZURE_SECRET_CLIENT 1
#define AZURE_SECRET_USERNAME 2
#define AZURE_SECRET_PASSWORD 4

#endif

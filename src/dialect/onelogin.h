/* OneLogin API Authorization dialect: handlers for /api/2/api_authorizations and the
 * error body every OneLogin route answers with. */
#ifndef AUTHZD_DIALECT_ONELOGIN_H
#define AUTHZD_DIALECT_ONELOGIN_H

#include <stdint.h>

#include <jansson.h>

#include "core/status.h"
#include "http/request.h"
#include "model/server.h"

status_t onelogin_server_list(struct request *r);
status_t onelogin_server_create(struct request *r);
status_t onelogin_server_get(struct request *r);
status_t onelogin_server_update(struct request *r);
status_t onelogin_server_delete(struct request *r);
status_t onelogin_token_create(struct request *r);
status_t onelogin_scope_list(struct request *r);
status_t onelogin_scope_create(struct request *r);
status_t onelogin_scope_update(struct request *r);
status_t onelogin_scope_delete(struct request *r);
status_t onelogin_claim_list(struct request *r);
status_t onelogin_claim_create(struct request *r);
status_t onelogin_claim_update(struct request *r);
status_t onelogin_claim_delete(struct request *r);
status_t onelogin_client_list(struct request *r);
status_t onelogin_client_create(struct request *r);
status_t onelogin_client_update(struct request *r);
status_t onelogin_client_delete(struct request *r);
status_t onelogin_app_list(struct request *r);
status_t onelogin_app_create(struct request *r);
status_t onelogin_app_get(struct request *r);
status_t onelogin_app_update(struct request *r);
status_t onelogin_app_delete(struct request *r);
status_t onelogin_token_revoke(struct request *r);

/* "resource_identifier" -> "Resource identifier" (Rails' humanize), in the arena. */
const char *onelogin_humanize(arena_t *a, const char *field);
/* A failing rule in OneLogin's (Rails') words: "can't be blank". */
const char *onelogin_rule_message(arena_t *a, const struct error_detail *d);
/* The 422 message: "Validation failed: A can't be blank, B ..." for e's details. */
const char *onelogin_validation_message(arena_t *a, const struct app_error *e);

/* Maps a OneLogin server body onto s (which holds defaults). Type errors and missing
 * required fields are ST_BAD_REQUEST with the field named; values are not validated. */
status_t onelogin_server_from_json(struct request *r, json_t *body, struct server *s);
/* The GET-one representation; detail=0 gives the list item (no lifetimes). */
json_t *onelogin_server_to_json(const struct server *s, int detail);

/* Body field readers: a wrong JSON type (or a missing required field) is a 400 naming the
 * field; absent or null leaves *out as it was. */
status_t onelogin_field_string(struct request *r, json_t *obj, const char *key, int required,
			       const char **out);
status_t onelogin_field_int(struct request *r, json_t *obj, const char *key, int *out);
status_t onelogin_field_bool(struct request *r, json_t *obj, const char *key, int *out);
status_t onelogin_field_strings(struct request *r, json_t *obj, const char *key, struct strlist *out);
status_t onelogin_field_ids(struct request *r, json_t *obj, const char *key, int required,
			    int64_t **out, size_t *n);
/* The JSON body, which must be an object. */
status_t onelogin_object_body(struct request *r, json_t **body);
/* {"id":N} */
status_t onelogin_reply_id(struct request *r, int code, int64_t id);

/* A path id: 1..INT64_MAX in decimal; 0 if anything else. */
int64_t onelogin_parse_id(const char *s);

#endif

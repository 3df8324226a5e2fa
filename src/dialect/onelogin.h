/* OneLogin API Authorization dialect: handlers for /api/2/api_authorizations and the
 * error body every OneLogin route answers with. */
#ifndef AUTHZD_DIALECT_ONELOGIN_H
#define AUTHZD_DIALECT_ONELOGIN_H

#include <stdint.h>

#include <jansson.h>

#include "http/request.h"
#include "model/server.h"
#include "status.h"

status_t onelogin_server_list(struct request *r);
status_t onelogin_server_create(struct request *r);
status_t onelogin_server_get(struct request *r);
status_t onelogin_server_update(struct request *r);
status_t onelogin_server_delete(struct request *r);
status_t onelogin_token_create(struct request *r);
status_t onelogin_token_revoke(struct request *r);

/* "resource_identifier" -> "Resource identifier" (Rails' humanize), in the arena. */
const char *onelogin_humanize(arena_t *a, const char *field);
/* The 422 message: "Validation failed: A can't be blank, B ..." for e's details. */
const char *onelogin_validation_message(arena_t *a, const struct app_error *e);

/* Maps a OneLogin server body onto s (which holds defaults). Type errors and missing
 * required fields are ST_BAD_REQUEST with the field named; values are not validated. */
status_t onelogin_server_from_json(struct request *r, json_t *body, struct server *s);
/* The GET-one representation; detail=0 gives the list item (no lifetimes). */
json_t *onelogin_server_to_json(const struct server *s, int detail);

/* A path id: 1..INT64_MAX in decimal; 0 if anything else. */
int64_t onelogin_parse_id(const char *s);

#endif

/* The /vedsdk/oauth operations (venafi_apps.c), each taking the parsed JSON body. */
#ifndef AUTHZD_DIALECT_VENAFI_OPS_H
#define AUTHZD_DIALECT_VENAFI_OPS_H

#include <jansson.h>

#include "dialect/venafi.h"
#include "http/request.h"

struct venafi_op {
	const char *name;
	status_t (*fn)(struct request *r, json_t *body);
};

struct application;

/* Reads an application record: for create, from the body; for update, from
 * body.Application (id_key "ID" instead of "ApplicationId"). The model's rules decide;
 * scopes are checked and stored in canonical form. VR_SUCCESS, or VR_INVALID_PARAMETERS /
 * VR_INVALID_SCOPE with the Result's message in *error. */
enum venafi_result venafi_app_from_json(struct request *r, json_t *obj, const char *id_key,
					struct application *a, const char **error);

/* HTTP 200 with Result, Success and (on failure) Error added to body (NULL: {}). */
void venafi_reply_result(struct request *r, json_t *body, enum venafi_result result, const char *error);

status_t venafi_op_create_application(struct request *r, json_t *body);
status_t venafi_op_get_application(struct request *r, json_t *body);
status_t venafi_op_get_applications(struct request *r, json_t *body);
status_t venafi_op_enumerate_applications(struct request *r, json_t *body);
status_t venafi_op_update_application(struct request *r, json_t *body);
status_t venafi_op_delete_application(struct request *r, json_t *body);
status_t venafi_op_grant_count(struct request *r, json_t *body);
status_t venafi_op_get_scopes(struct request *r, json_t *body);
status_t venafi_op_enumerate_grants(struct request *r, json_t *body);
status_t venafi_op_revoke_grants(struct request *r, json_t *body);

#endif

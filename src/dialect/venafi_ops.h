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

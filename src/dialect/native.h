/* The authzd-native management API, /api/authzd/v1: what the console needs that no vendor
 * dialect has (who the caller is, the audit trail, an application's secrets, a server's
 * signing keys and their states, the token a client would get). Its errors
 * are OneLogin's body (the routes live under /api/, OneLogin's prefix). */
#ifndef AUTHZD_DIALECT_NATIVE_H
#define AUTHZD_DIALECT_NATIVE_H

#include "http/request.h"

status_t native_me(struct request *r);
status_t native_audit_list(struct request *r);
status_t native_secret_list(struct request *r);
status_t native_secret_add(struct request *r);
status_t native_secret_retire(struct request *r);
status_t native_server_keys(struct request *r);
status_t native_token_preview(struct request *r);

#endif

/* Venafi TPP dialect: POST /vedsdk/oauth/<Operation> (application management, result codes
 * in a 200 body) and the /vedauth token endpoints (OAuth error bodies). */
#ifndef AUTHZD_DIALECT_VENAFI_H
#define AUTHZD_DIALECT_VENAFI_H

#include "http/request.h"
#include "core/status.h"

status_t venafi_oauth_operation(struct request *r);
status_t venafi_authorize_oauth(struct request *r);
status_t venafi_authorize_token(struct request *r);
status_t venafi_authorize_verify(struct request *r);
status_t venafi_revoke_token(struct request *r);

/* Venafi OAuth result codes (r-SDK-oauth-result-codes) */
enum venafi_result {
	VR_SUCCESS = 0, VR_FAILURE = 1, VR_APPLICATION_NOT_FOUND = 2, VR_GRANT_NOT_FOUND = 3,
	VR_INVALID_PARAMETERS = 6, VR_INSUFFICIENT_PRIVILEGES = 9, VR_INVALID_SCOPE = 17,
};

#endif

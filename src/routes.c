/* Every endpoint authzd serves: {methods, pattern, handler, required scope, dialect}.
 * Adding an endpoint means adding a row here and a handler in its dialect's file. */
#include "routes.h"

#include <string.h>
#include <strings.h>

#include "dialect/azure.h"
#include "dialect/dialect.h"
#include "dialect/onelogin.h"
#include "dialect/probe.h"
#include "dialect/venafi.h"

const struct route routes_table[] = {
	/* liveness and readiness: public, plain JSON */
	{ HTTP_GET | HTTP_HEAD, "/healthz", probe_healthz, NULL, &dialect_plain },
	{ HTTP_GET | HTTP_HEAD, "/readyz", probe_readyz, NULL, &dialect_plain },

	/* OneLogin management tokens (client credentials, no bearer) */
	{ HTTP_POST, "/auth/oauth2/v2/token", onelogin_token_create, NULL, &dialect_onelogin_status },
	{ HTTP_POST, "/auth/oauth2/revoke", onelogin_token_revoke, NULL, &dialect_onelogin_status },

	/* OneLogin API Authorization */
	{ HTTP_GET, "/api/2/api_authorizations", onelogin_server_list, SCOPE_READ_ALL, &dialect_onelogin },
	{ HTTP_POST, "/api/2/api_authorizations", onelogin_server_create, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_GET, "/api/2/api_authorizations/:id", onelogin_server_get, SCOPE_READ_ALL, &dialect_onelogin },
	{ HTTP_PUT, "/api/2/api_authorizations/:id", onelogin_server_update, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_DELETE, "/api/2/api_authorizations/:id", onelogin_server_delete, SCOPE_MANAGE_ALL, &dialect_onelogin },
#define OL_SERVER "/api/2/api_authorizations/:id"
	{ HTTP_GET, OL_SERVER "/scopes", onelogin_scope_list, SCOPE_READ_ALL, &dialect_onelogin },
	{ HTTP_POST, OL_SERVER "/scopes", onelogin_scope_create, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_PUT, OL_SERVER "/scopes/:scope_id", onelogin_scope_update, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_DELETE, OL_SERVER "/scopes/:scope_id", onelogin_scope_delete, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_GET, OL_SERVER "/claims", onelogin_claim_list, SCOPE_READ_ALL, &dialect_onelogin },
	{ HTTP_POST, OL_SERVER "/claims", onelogin_claim_create, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_PUT, OL_SERVER "/claims/:claim_id", onelogin_claim_update, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_DELETE, OL_SERVER "/claims/:claim_id", onelogin_claim_delete, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_GET, OL_SERVER "/clients", onelogin_client_list, SCOPE_READ_ALL, &dialect_onelogin },
	{ HTTP_POST, OL_SERVER "/clients", onelogin_client_create, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_PUT, OL_SERVER "/clients/:client_app_id", onelogin_client_update, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_DELETE, OL_SERVER "/clients/:client_app_id", onelogin_client_delete, SCOPE_MANAGE_ALL, &dialect_onelogin },
#undef OL_SERVER

	/* OneLogin apps: OAuth client applications */
	{ HTTP_GET, "/api/2/apps", onelogin_app_list, SCOPE_READ_ALL, &dialect_onelogin },
	{ HTTP_POST, "/api/2/apps", onelogin_app_create, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_GET, "/api/2/apps/:id", onelogin_app_get, SCOPE_READ_ALL, &dialect_onelogin },
	{ HTTP_PUT, "/api/2/apps/:id", onelogin_app_update, SCOPE_MANAGE_ALL, &dialect_onelogin },
	{ HTTP_DELETE, "/api/2/apps/:id", onelogin_app_delete, SCOPE_MANAGE_ALL, &dialect_onelogin },

	/* Azure API Management authorizationServers (api-version 2022-08-01) */
#define AZ_SERVICE "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.ApiManagement/service/:svc"
	{ HTTP_GET, AZ_SERVICE "/authorizationServers", azure_server_list, SCOPE_READ_ALL, &dialect_azure },
	{ HTTP_GET | HTTP_HEAD, AZ_SERVICE "/authorizationServers/:name", azure_server_get, SCOPE_READ_ALL, &dialect_azure },
	{ HTTP_PUT, AZ_SERVICE "/authorizationServers/:name", azure_server_put, SCOPE_MANAGE_ALL, &dialect_azure },
	{ HTTP_PATCH, AZ_SERVICE "/authorizationServers/:name", azure_server_patch, SCOPE_MANAGE_ALL, &dialect_azure },
	{ HTTP_DELETE, AZ_SERVICE "/authorizationServers/:name", azure_server_delete, SCOPE_MANAGE_ALL, &dialect_azure },
	{ HTTP_POST, AZ_SERVICE "/authorizationServers/:name/listSecrets", azure_server_list_secrets,
	  SCOPE_MANAGE_ALL, &dialect_azure },
#undef AZ_SERVICE

	/* Venafi TPP: application management (token with admin) and /vedauth */
	{ HTTP_POST, "/vedsdk/oauth/:operation", venafi_oauth_operation, SCOPE_VENAFI_ADMIN, &dialect_venafi },
	{ HTTP_POST, "/vedauth/authorize/oauth", venafi_authorize_oauth, NULL, &dialect_venafi },
	{ HTTP_POST, "/vedauth/authorize/token", venafi_authorize_token, NULL, &dialect_venafi },
	{ HTTP_GET, "/vedauth/authorize/verify", venafi_authorize_verify, NULL, &dialect_venafi },
	{ HTTP_GET, "/vedauth/revoke/token", venafi_revoke_token, NULL, &dialect_venafi },
};
const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);

static const struct {
	const char *prefix;
	const struct dialect *dialect;
} prefixes[] = {
	{ "/api/", &dialect_onelogin },
	{ "/auth/", &dialect_onelogin_status },
	{ "/subscriptions/", &dialect_azure },
	{ "/vedsdk/", &dialect_venafi },
	{ "/vedauth/", &dialect_venafi },
};

const struct dialect *routes_dialect_for_path(const char *path)
{
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncasecmp(path, prefixes[i].prefix, strlen(prefixes[i].prefix)) == 0)
			return prefixes[i].dialect;
	return &dialect_plain;
}

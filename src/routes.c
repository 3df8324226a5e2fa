/* Every endpoint authzd serves: {name, methods, pattern, handler, access, dialect}, and
 * which dialect answers for paths outside it. Adding an endpoint means adding a row here
 * and a handler in its dialect's file. This file wires the dialects to http: it belongs to
 * the process layer. */
#include "routes.h"

#include "dialect/azure.h"
#include "dialect/dialect.h"
#include "dialect/native.h"
#include "dialect/oauth.h"
#include "dialect/onelogin.h"
#include "dialect/probe.h"
#include "dialect/venafi.h"
#include "metrics_page.h"

#define OL_SERVER "/api/2/api_authorizations/:id"
#define ISSUER "/oauth2/:id"
#define NATIVE "/api/authzd/v1"
#define AZ_SERVER "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.ApiManagement/service/:svc" \
		  "/authorizationServers"

const struct route routes_table[] = {
	/* liveness and readiness: public, plain JSON */
	{ "probe.health", HTTP_GET | HTTP_HEAD, "/healthz", probe_healthz, ACCESS_PUBLIC, &dialect_plain },
	{ "probe.ready", HTTP_GET | HTTP_HEAD, "/readyz", probe_readyz, ACCESS_PUBLIC, &dialect_plain },
	/* Prometheus: only to the addresses metrics_allow names (checked by the handler) */
	{ "ops.metrics", HTTP_GET | HTTP_HEAD, "/metrics", metrics_page, ACCESS_PUBLIC, &dialect_plain },

	/* OneLogin management tokens (client credentials, no bearer) */
	{ "onelogin.token.create", HTTP_POST, "/auth/oauth2/v2/token", onelogin_token_create, ACCESS_PUBLIC,
	  &dialect_onelogin_status },
	{ "onelogin.token.revoke", HTTP_POST, "/auth/oauth2/revoke", onelogin_token_revoke, ACCESS_PUBLIC,
	  &dialect_onelogin_status },

	/* OneLogin API Authorization */
	{ "onelogin.server.list", HTTP_GET, "/api/2/api_authorizations", onelogin_server_list, ACCESS_READ,
	  &dialect_onelogin },
	{ "onelogin.server.create", HTTP_POST, "/api/2/api_authorizations", onelogin_server_create, ACCESS_MANAGE,
	  &dialect_onelogin },
	{ "onelogin.server.get", HTTP_GET, OL_SERVER, onelogin_server_get, ACCESS_READ, &dialect_onelogin },
	{ "onelogin.server.update", HTTP_PUT, OL_SERVER, onelogin_server_update, ACCESS_MANAGE, &dialect_onelogin },
	{ "onelogin.server.delete", HTTP_DELETE, OL_SERVER, onelogin_server_delete, ACCESS_MANAGE, &dialect_onelogin },
	{ "onelogin.scope.list", HTTP_GET, OL_SERVER "/scopes", onelogin_scope_list, ACCESS_READ, &dialect_onelogin },
	{ "onelogin.scope.create", HTTP_POST, OL_SERVER "/scopes", onelogin_scope_create, ACCESS_MANAGE,
	  &dialect_onelogin },
	{ "onelogin.scope.update", HTTP_PUT, OL_SERVER "/scopes/:scope_id", onelogin_scope_update, ACCESS_MANAGE,
	  &dialect_onelogin },
	{ "onelogin.scope.delete", HTTP_DELETE, OL_SERVER "/scopes/:scope_id", onelogin_scope_delete, ACCESS_MANAGE,
	  &dialect_onelogin },
	{ "onelogin.claim.list", HTTP_GET, OL_SERVER "/claims", onelogin_claim_list, ACCESS_READ, &dialect_onelogin },
	{ "onelogin.claim.create", HTTP_POST, OL_SERVER "/claims", onelogin_claim_create, ACCESS_MANAGE,
	  &dialect_onelogin },
	{ "onelogin.claim.update", HTTP_PUT, OL_SERVER "/claims/:claim_id", onelogin_claim_update, ACCESS_MANAGE,
	  &dialect_onelogin },
	{ "onelogin.claim.delete", HTTP_DELETE, OL_SERVER "/claims/:claim_id", onelogin_claim_delete, ACCESS_MANAGE,
	  &dialect_onelogin },
	{ "onelogin.client.list", HTTP_GET, OL_SERVER "/clients", onelogin_client_list, ACCESS_READ, &dialect_onelogin },
	{ "onelogin.client.create", HTTP_POST, OL_SERVER "/clients", onelogin_client_create, ACCESS_MANAGE,
	  &dialect_onelogin },
	{ "onelogin.client.update", HTTP_PUT, OL_SERVER "/clients/:client_app_id", onelogin_client_update,
	  ACCESS_MANAGE, &dialect_onelogin },
	{ "onelogin.client.delete", HTTP_DELETE, OL_SERVER "/clients/:client_app_id", onelogin_client_delete,
	  ACCESS_MANAGE, &dialect_onelogin },

	/* OneLogin apps: OAuth client applications */
	{ "onelogin.app.list", HTTP_GET, "/api/2/apps", onelogin_app_list, ACCESS_READ, &dialect_onelogin },
	{ "onelogin.app.create", HTTP_POST, "/api/2/apps", onelogin_app_create, ACCESS_MANAGE, &dialect_onelogin },
	{ "onelogin.app.get", HTTP_GET, "/api/2/apps/:id", onelogin_app_get, ACCESS_READ, &dialect_onelogin },
	{ "onelogin.app.update", HTTP_PUT, "/api/2/apps/:id", onelogin_app_update, ACCESS_MANAGE, &dialect_onelogin },
	{ "onelogin.app.delete", HTTP_DELETE, "/api/2/apps/:id", onelogin_app_delete, ACCESS_MANAGE, &dialect_onelogin },

	/* authzd's own management API (what the console needs and no vendor has), OneLogin's
	 * error body like every path under /api/ */
	{ "native.me", HTTP_GET, NATIVE "/me", native_me, ACCESS_READ, &dialect_onelogin },
	{ "native.audit.list", HTTP_GET, NATIVE "/audit", native_audit_list, ACCESS_READ, &dialect_onelogin },
	{ "native.secret.list", HTTP_GET, NATIVE "/apps/:id/secrets", native_secret_list, ACCESS_READ,
	  &dialect_onelogin },
	{ "native.secret.add", HTTP_POST, NATIVE "/apps/:id/secrets", native_secret_add, ACCESS_MANAGE,
	  &dialect_onelogin },
	{ "native.secret.retire", HTTP_DELETE, NATIVE "/apps/:id/secrets/:secret_id", native_secret_retire,
	  ACCESS_MANAGE, &dialect_onelogin },
	{ "native.server.keys", HTTP_GET, NATIVE "/servers/:id/keys", native_server_keys, ACCESS_READ,
	  &dialect_onelogin },
	{ "native.token.preview", HTTP_POST, NATIVE "/servers/:id/token-preview", native_token_preview, ACCESS_READ,
	  &dialect_onelogin },

	/* Azure API Management authorizationServers (api-version 2022-08-01) */
	{ "azure.server.list", HTTP_GET, AZ_SERVER, azure_server_list, ACCESS_READ, &dialect_azure },
	{ "azure.server.get", HTTP_GET | HTTP_HEAD, AZ_SERVER "/:name", azure_server_get, ACCESS_READ, &dialect_azure },
	{ "azure.server.put", HTTP_PUT, AZ_SERVER "/:name", azure_server_put, ACCESS_MANAGE, &dialect_azure },
	{ "azure.server.patch", HTTP_PATCH, AZ_SERVER "/:name", azure_server_patch, ACCESS_MANAGE, &dialect_azure },
	{ "azure.server.delete", HTTP_DELETE, AZ_SERVER "/:name", azure_server_delete, ACCESS_MANAGE, &dialect_azure },
	{ "azure.server.secrets", HTTP_POST, AZ_SERVER "/:name/listSecrets", azure_server_list_secrets, ACCESS_MANAGE,
	  &dialect_azure },

	/* The token service: every registered server is an issuer (Okta's paths) ... */
	{ "oauth.token", HTTP_POST, ISSUER "/v1/token", oauth_token, ACCESS_PUBLIC, &dialect_oauth },
	{ "oauth.keys", HTTP_GET | HTTP_HEAD, ISSUER "/v1/keys", oauth_keys, ACCESS_PUBLIC, &dialect_oauth },
	{ "oauth.introspect", HTTP_POST, ISSUER "/v1/introspect", oauth_introspect, ACCESS_PUBLIC, &dialect_oauth },
	{ "oauth.revoke", HTTP_POST, ISSUER "/v1/revoke", oauth_revoke, ACCESS_PUBLIC, &dialect_oauth },
	{ "oauth.metadata", HTTP_GET | HTTP_HEAD, "/.well-known/oauth-authorization-server" ISSUER, oauth_metadata,
	  ACCESS_PUBLIC, &dialect_oauth },
	{ "oauth.metadata.under", HTTP_GET | HTTP_HEAD, ISSUER "/.well-known/oauth-authorization-server",
	  oauth_metadata, ACCESS_PUBLIC, &dialect_oauth },
	{ "oauth.openid", HTTP_GET | HTTP_HEAD, ISSUER "/.well-known/openid-configuration", oauth_metadata,
	  ACCESS_PUBLIC, &dialect_oauth },
	/* ... and each tenant one more, on OneLogin's paths */
	{ "oidc.token", HTTP_POST, "/oidc/2/token", oauth_token, ACCESS_PUBLIC, &dialect_oauth },
	{ "oidc.certs", HTTP_GET | HTTP_HEAD, "/oidc/2/certs", oauth_keys, ACCESS_PUBLIC, &dialect_oauth },
	{ "oidc.introspect", HTTP_POST, "/oidc/2/token/introspection", oauth_introspect, ACCESS_PUBLIC,
	  &dialect_oauth },
	{ "oidc.revoke", HTTP_POST, "/oidc/2/token/revocation", oauth_revoke, ACCESS_PUBLIC, &dialect_oauth },
	{ "oidc.metadata", HTTP_GET | HTTP_HEAD, "/.well-known/oauth-authorization-server/oidc/2", oauth_metadata,
	  ACCESS_PUBLIC, &dialect_oauth },
	{ "oidc.metadata.under", HTTP_GET | HTTP_HEAD, "/oidc/2/.well-known/oauth-authorization-server",
	  oauth_metadata, ACCESS_PUBLIC, &dialect_oauth },
	{ "oidc.openid", HTTP_GET | HTTP_HEAD, "/oidc/2/.well-known/openid-configuration", oauth_metadata,
	  ACCESS_PUBLIC, &dialect_oauth },

	/* Venafi TPP: application management (token with admin) and /vedauth */
	{ "venafi.oauth", HTTP_POST, "/vedsdk/oauth/:operation", venafi_oauth_operation, ACCESS_VENAFI_ADMIN,
	  &dialect_venafi },
	{ "venafi.authorize", HTTP_POST, "/vedauth/authorize/oauth", venafi_authorize_oauth, ACCESS_PUBLIC,
	  &dialect_venafi },
	{ "venafi.refresh", HTTP_POST, "/vedauth/authorize/token", venafi_authorize_token, ACCESS_PUBLIC,
	  &dialect_venafi },
	{ "venafi.verify", HTTP_GET, "/vedauth/authorize/verify", venafi_authorize_verify, ACCESS_PUBLIC,
	  &dialect_venafi },
	{ "venafi.revoke", HTTP_GET, "/vedauth/revoke/token", venafi_revoke_token, ACCESS_PUBLIC, &dialect_venafi },
};
const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);

const struct route_prefix routes_prefixes[] = {
	{ "/api/", &dialect_onelogin },
	{ "/auth/", &dialect_onelogin_status },
	{ "/subscriptions/", &dialect_azure },
	{ "/vedsdk/", &dialect_venafi },
	{ "/vedauth/", &dialect_venafi },
	{ "/oauth2/", &dialect_oauth },
	{ "/oidc/", &dialect_oauth },
	{ "/.well-known/", &dialect_oauth },
};
const size_t routes_prefix_count = sizeof(routes_prefixes) / sizeof(routes_prefixes[0]);
const struct dialect *const routes_fallback = &dialect_plain;

struct router *routes_compile(void)
{
	return router_compile(routes_table, routes_count, routes_prefixes, routes_prefix_count, routes_fallback);
}

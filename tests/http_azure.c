/* Azure API Management authorizationServers end to end: every operation, status, header
 * and validation rule, the rows behind them, secrets at rest, and concurrent writers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "http_client.h"
#include "suites.h"

#define SVC "/subscriptions/Sub-1/resourceGroups/RG-1/providers/Microsoft.ApiManagement/service/apim-1"
#define BASE SVC "/authorizationServers"
#define V "?api-version=2022-08-01"
#define ID_PREFIX "/subscriptions/Sub-1/resourceGroups/RG-1/providers/Microsoft.ApiManagement/service/apim-1/authorizationServers/"

/* The properties a full PUT sends and a GET shows back (the secrets only ever in the PUT). */
#define FULL_SETTINGS \
	"\"properties\":{\"displayName\":\"Contoso\",\"description\":\"test server\"," \
	"\"clientRegistrationEndpoint\":\"https://contoso.com/apps\",\"authorizationEndpoint\":\"https://contoso.com/oauth2/auth\"," \
	"\"authorizationMethods\":[\"GET\",\"POST\"],\"clientAuthenticationMethod\":[\"Basic\",\"Body\"]," \
	"\"tokenBodyParameters\":[{\"name\":\"resource\",\"value\":\"https://graph\"},{\"name\":\"x\",\"value\":\"y\"}]," \
	"\"tokenEndpoint\":\"https://contoso.com/oauth2/token\",\"supportState\":true,\"defaultScope\":\"read write\"," \
	"\"grantTypes\":[\"authorizationCode\",\"implicit\",\"clientCredentials\"]," \
	"\"bearerTokenSendingMethods\":[\"authorizationHeader\",\"query\"],\"clientId\":\"client-1\","
#define FULL_BODY \
	"{" FULL_SETTINGS \
	"\"clientSecret\":\"the-client-secret\",\"resourceOwnerUsername\":\"owner\",\"resourceOwnerPassword\":\"owner-pass\"}}"
#define FULL_PROPERTIES FULL_SETTINGS "\"useInTestConsole\":true,\"useInApiDocumentation\":false}"

#define MIN_BODY(display) \
	"{\"properties\":{\"displayName\":\"" display "\",\"clientRegistrationEndpoint\":\"https://c/reg\"," \
	"\"authorizationEndpoint\":\"https://c/auth\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"]}}"

static const char *const NOT_FOUND =
	"{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"OAuth2AuthorizationServer not found.\",\"details\":null}}";
static const char *const PRECONDITION =
	"{\"error\":{\"code\":\"PreconditionFailed\",\"message\":\"The entity tag in If-Match does not match the "
	"current entity (or there is none).\",\"details\":null}}";

static int init(void)
{
	return tc_sql_exec("DELETE FROM servers WHERE azure_service_id IS NOT NULL");
}

static char *put(const char *name, const char *body, const char *extra, long *status, char etag[64])
{
	struct http_resp r;
	char path[512];
	snprintf(path, sizeof(path), BASE "/%s" V, name);
	tc_call(NULL, "PUT", path, "application/json", body, extra, &r);
	*status = r.status;
	if (etag != NULL) {
		const char *e = tc_header(&r, "ETag");
		snprintf(etag, 64, "%s", e ? e : "");
	}
	return r.body;      /* caller frees */
}

static void test_create_and_rows(void)
{
	long status;
	char etag[64];
	char *body = put("contoso", FULL_BODY, NULL, &status, etag);
	CU_ASSERT_EQUAL(status, 201);
	ASSERT_STR(etag, "\"AAAAAAAAAAE=\"");
	ASSERT_STR(body, "{\"id\":\"" ID_PREFIX "contoso\",\"type\":\"Microsoft.ApiManagement/service/authorizationServers\","
			 "\"name\":\"contoso\"," FULL_PROPERTIES "}");
	free(body);
	const char *id = tc_sql_text("SELECT s.id::text FROM servers s JOIN azure_services a ON a.id = s.azure_service_id "
				     "WHERE a.service_name = 'apim-1' AND s.resource_name = $1", "contoso");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	char sid[32];
	snprintf(sid, sizeof(sid), "%s", id);
	/* every list is rows, in order */
	ASSERT_STR(tc_sql_text("SELECT string_agg(g.name, ',' ORDER BY sg.position) FROM server_grant_types sg "
			       "JOIN grant_types g ON g.id = sg.grant_type_id WHERE sg.server_id = $1::bigint", sid),
		   "authorization_code,implicit,client_credentials");
	ASSERT_STR(tc_sql_text("SELECT string_agg(method, ',' ORDER BY position) FROM server_authorization_methods "
			       "WHERE server_id = $1::bigint", sid), "GET,POST");
	ASSERT_STR(tc_sql_text("SELECT string_agg(method, ',' ORDER BY position) FROM server_client_authentication_methods "
			       "WHERE server_id = $1::bigint", sid), "Basic,Body");
	ASSERT_STR(tc_sql_text("SELECT string_agg(method, ',' ORDER BY position) FROM server_bearer_token_sending_methods "
			       "WHERE server_id = $1::bigint", sid), "authorizationHeader,query");
	ASSERT_STR(tc_sql_text("SELECT string_agg(name || '=' || value, ',' ORDER BY position) FROM "
			       "server_token_body_parameters WHERE server_id = $1::bigint", sid), "resource=https://graph,x=y");
	ASSERT_STR(tc_sql_text("SELECT concat_ws('|', client_registration_endpoint, authorization_endpoint, token_endpoint, "
			       "client_id, default_scope, support_state, use_in_test_console, use_in_api_documentation) "
			       "FROM server_configurations WHERE server_id = $1::bigint", sid),
		   "https://contoso.com/apps|https://contoso.com/oauth2/auth|https://contoso.com/oauth2/token|client-1|"
		   "read write|t|t|f");
	ASSERT_STR(tc_sql_text("SELECT concat_ws('|', name, description, version) FROM servers WHERE id = $1::bigint", sid),
		   "Contoso|test server|1");
	/* the reporting view sees it whole */
	ASSERT_STR(tc_sql_text("SELECT concat_ws('|', azure_name, array_to_string(grant_types, ','), "
			       "array_to_string(authorization_methods, ','), array_to_string(secrets_stored, ',')) "
			       "FROM server_overview WHERE id = $1::bigint", sid),
		   "contoso|authorization_code,implicit,client_credentials|GET,POST|"
		   "client_secret,resource_owner_password,resource_owner_username");
	/* secrets: encrypted, key id beside, never the plaintext */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM server_secrets WHERE server_id = $1::bigint "
				    "AND key_id ~ '^[0-9a-f]{16}$' AND length(ciphertext) > 28", sid, NULL, NULL), 3);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM server_secrets WHERE position(convert_to('the-client-secret', "
				    "'UTF8') in ciphertext) > 0 OR position(convert_to('owner-pass', 'UTF8') in ciphertext) > 0",
				    NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events WHERE strpos(concat(before::text, after::text), "
				    "'the-client-secret') > 0 OR strpos(concat(before::text, after::text), 'owner-pass') > 0",
				    NULL, NULL, NULL), 0);
	ASSERT_STR(tc_sql_text("SELECT after->>'secretsChanged' FROM audit_events WHERE action = 'server.create' "
			       "AND object_id = $1", sid),
		   "[\"client_secret\", \"resource_owner_password\", \"resource_owner_username\"]");
	tc_remember_secret("the-client-secret");
	tc_remember_secret("owner-pass");
}

static void test_get_head_case_insensitive(void)
{
	struct http_resp r;
	tc_call(NULL, "GET", "/subscriptions/SUB-1/resourceGroups/rg-1/providers/Microsoft.ApiManagement/service/APIM-1"
			     "/authorizationServers/CONTOSO" V, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	ASSERT_STR(tc_header(&r, "ETag"), "\"AAAAAAAAAAE=\"");
	ASSERT_STR(r.body, "{\"id\":\"" ID_PREFIX "contoso\",\"type\":\"Microsoft.ApiManagement/service/authorizationServers\","
			   "\"name\":\"contoso\"," FULL_PROPERTIES "}");
	CU_ASSERT_PTR_NULL(strstr(r.body, "Secret"));
	CU_ASSERT_PTR_NULL(strstr(r.body, "resourceOwner"));
	tc_resp_free(&r);

	tc_call(NULL, "HEAD", BASE "/contoso" V, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(r.body_len, 0);
	ASSERT_STR(tc_header(&r, "ETag"), "\"AAAAAAAAAAE=\"");
	tc_resp_free(&r);
	tc_call(NULL, "HEAD", BASE "/nothing" V, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_EQUAL(r.body_len, 0);
	tc_resp_free(&r);
	TC_EXPECT("GET", BASE "/nothing" V, NULL, 404, NOT_FOUND);
}

static void test_list_secrets(void)
{
	struct http_resp r;
	tc_call(NULL, "POST", BASE "/contoso/listSecrets" V, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	ASSERT_STR(r.body, "{\"clientSecret\":\"the-client-secret\",\"resourceOwnerUsername\":\"owner\","
			   "\"resourceOwnerPassword\":\"owner-pass\"}");
	ASSERT_STR(tc_header(&r, "ETag"), "\"AAAAAAAAAAE=\"");
	tc_resp_free(&r);
	TC_EXPECT("POST", BASE "/nothing/listSecrets" V, NULL, 404, NOT_FOUND);
	/* a ciphertext moved to another secret's row no longer opens: 500, never the wrong secret */
	long ok = tc_sql_long("WITH s AS (SELECT s.id FROM servers s WHERE resource_name = 'contoso'), "
			      "x AS (SELECT ciphertext FROM server_secrets, s WHERE server_id = s.id AND name = 'client_secret') "
			      "UPDATE server_secrets SET ciphertext = (SELECT ciphertext FROM x) FROM s "
			      "WHERE server_id = s.id AND name = 'resource_owner_password' RETURNING 1", NULL, NULL, NULL);
	CU_ASSERT_EQUAL(ok, 1);
	tc_call(NULL, "POST", BASE "/contoso/listSecrets" V, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 500);
	ASSERT_STR(r.body, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"The server encountered an "
			   "internal error.\",\"details\":null}}");
	tc_resp_free(&r);
}

static void test_replace_and_secrets(void)
{
	long status;
	char etag[64];
	char *body = put("contoso", MIN_BODY("Replaced"), NULL, &status, etag);
	CU_ASSERT_EQUAL(status, 200);
	ASSERT_STR(etag, "\"AAAAAAAAAAI=\"");
	ASSERT_STR(body, "{\"id\":\"" ID_PREFIX "contoso\",\"type\":\"Microsoft.ApiManagement/service/authorizationServers\","
			 "\"name\":\"contoso\",\"properties\":{\"displayName\":\"Replaced\",\"clientRegistrationEndpoint\":"
			 "\"https://c/reg\",\"authorizationEndpoint\":\"https://c/auth\",\"authorizationMethods\":[\"GET\"],"
			 "\"supportState\":false,\"grantTypes\":[\"implicit\"],\"clientId\":\"c\",\"useInTestConsole\":true,"
			 "\"useInApiDocumentation\":false}}");
	free(body);
	/* PUT replaces the whole entity: lists and secrets it does not name are gone */
	const char *sid = tc_sql_text("SELECT id::text FROM servers WHERE resource_name = 'contoso'", NULL);
	char id[32];
	snprintf(id, sizeof(id), "%s", sid ? sid : "0");
	CU_ASSERT_EQUAL(tc_sql_long("SELECT (SELECT count(*) FROM server_secrets WHERE server_id = $1::bigint)"
				    " + (SELECT count(*) FROM server_token_body_parameters WHERE server_id = $1::bigint)"
				    " + (SELECT count(*) FROM server_client_authentication_methods WHERE server_id = $1::bigint)",
				    id, NULL, NULL), 0);
	TC_EXPECT("POST", BASE "/contoso/listSecrets" V, NULL, 200, "{}");
	/* If-Match on PUT: stale refused, current accepted */
	body = put("contoso", MIN_BODY("Again"), "If-Match: \"AAAAAAAAAAE=\"", &status, NULL);
	CU_ASSERT_EQUAL(status, 412);
	ASSERT_STR(body, PRECONDITION);
	free(body);
	body = put("contoso", MIN_BODY("Again"), "If-Match: \"AAAAAAAAAAI=\"", &status, etag);
	CU_ASSERT_EQUAL(status, 200);
	ASSERT_STR(etag, "\"AAAAAAAAAAM=\"");
	free(body);
	/* If-Match on a name that does not exist: nothing to match */
	body = put("never-made", MIN_BODY("x"), "If-Match: *", &status, NULL);
	CU_ASSERT_EQUAL(status, 412);
	free(body);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers WHERE resource_name = 'never-made'", NULL, NULL, NULL), 0);
}

static void test_patch(void)
{
	struct http_resp r;
	long status;
	char etag[64];
	free(put("patched", FULL_BODY, NULL, &status, etag));
	CU_ASSERT_EQUAL_FATAL(status, 201);

	tc_call(NULL, "PATCH", BASE "/patched" V, "application/json", "{\"properties\":{\"clientId\":\"x\"}}", NULL, &r);
	CU_ASSERT_EQUAL(r.status, 400);
	ASSERT_STR(r.body, "{\"error\":{\"code\":\"IfMatchHeaderRequired\",\"message\":\"The If-Match header is "
			   "required for this operation.\",\"details\":null}}");
	tc_resp_free(&r);
	tc_call(NULL, "PATCH", BASE "/patched" V, "application/json", "{\"properties\":{\"clientId\":\"x\"}}",
		"If-Match: \"AAAAAAAAAAk=\"", &r);
	CU_ASSERT_EQUAL(r.status, 412);
	ASSERT_STR(r.body, PRECONDITION);
	tc_resp_free(&r);
	char hdr[96];
	snprintf(hdr, sizeof(hdr), "If-Match: %s", etag);
	tc_call(NULL, "PATCH", BASE "/patched" V, "application/json",
		"{\"properties\":{\"clientId\":\"client-2\",\"useInApiDocumentation\":true,\"clientSecret\":\"rotated\"}}", hdr, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	ASSERT_STR(tc_header(&r, "ETag"), "\"AAAAAAAAAAI=\"");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"clientId\":\"client-2\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"useInApiDocumentation\":true"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"displayName\":\"Contoso\""));          /* merged, not replaced */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"tokenBodyParameters\":[{\"name\":\"resource\""));
	tc_resp_free(&r);
	tc_remember_secret("rotated");
	tc_call(NULL, "POST", BASE "/patched/listSecrets" V, NULL, NULL, NULL, &r);
	ASSERT_STR(r.body, "{\"clientSecret\":\"rotated\",\"resourceOwnerUsername\":\"owner\","
			   "\"resourceOwnerPassword\":\"owner-pass\"}");
	tc_resp_free(&r);
	/* '*' matches whatever is there; the merged result is validated as a whole */
	tc_call(NULL, "PATCH", BASE "/patched" V, "application/json", "{\"properties\":{\"grantTypes\":[]}}",
		"If-Match: *", &r);
	CU_ASSERT_EQUAL(r.status, 400);
	ASSERT_STR(r.body, "{\"error\":{\"code\":\"ValidationError\",\"message\":\"One or more fields contain incorrect "
			   "values:\",\"details\":[{\"code\":\"ValidationError\",\"target\":\"grantTypes\",\"message\":"
			   "\"grantTypes must contain at least one grant type\"}]}}");
	tc_resp_free(&r);
	tc_call(NULL, "PATCH", BASE "/patched" V, "application/json", "{\"properties\":{\"description\":\"d2\"}}",
		"If-Match: *", &r);
	CU_ASSERT_EQUAL(r.status, 200);
	ASSERT_STR(tc_header(&r, "ETag"), "\"AAAAAAAAAAM=\"");
	tc_resp_free(&r);
	tc_call(NULL, "PATCH", BASE "/absent" V, "application/json", "{\"properties\":{}}", "If-Match: *", &r);
	CU_ASSERT_EQUAL(r.status, 404);
	ASSERT_STR(r.body, NOT_FOUND);
	tc_resp_free(&r);
}

static void test_delete(void)
{
	struct http_resp r;
	long status;
	char etag[64], hdr[96];
	free(put("doomed", FULL_BODY, NULL, &status, etag));
	CU_ASSERT_EQUAL_FATAL(status, 201);
	const char *t = tc_sql_text("SELECT id::text FROM servers WHERE resource_name = 'doomed'", NULL);
	char sid[32];
	snprintf(sid, sizeof(sid), "%s", t ? t : "0");

	TC_EXPECT("DELETE", BASE "/doomed" V, NULL, 400, NULL);
	tc_call(NULL, "DELETE", BASE "/doomed" V, NULL, NULL, "If-Match: \"AAAAAAAAAAU=\"", &r);
	CU_ASSERT_EQUAL(r.status, 412);
	ASSERT_STR(r.body, PRECONDITION);
	tc_resp_free(&r);
	snprintf(hdr, sizeof(hdr), "If-Match: %s", etag);
	tc_call(NULL, "DELETE", BASE "/doomed" V, NULL, NULL, hdr, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(r.body_len, 0);
	tc_resp_free(&r);
	tc_call(NULL, "DELETE", BASE "/doomed" V, NULL, NULL, hdr, &r);
	CU_ASSERT_EQUAL(r.status, 204);
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT (SELECT count(*) FROM servers WHERE id = $1::bigint)"
				    " + (SELECT count(*) FROM server_secrets WHERE server_id = $1::bigint)"
				    " + (SELECT count(*) FROM server_authorization_methods WHERE server_id = $1::bigint)"
				    " + (SELECT count(*) FROM server_token_body_parameters WHERE server_id = $1::bigint)"
				    " + (SELECT count(*) FROM server_grant_types WHERE server_id = $1::bigint)", sid, NULL, NULL), 0);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events WHERE action = 'server.delete' AND object_id = $1 "
				    "AND before->>'displayName' = 'Contoso'", sid, NULL, NULL), 1);
}

static void test_list_filter_paging(void)
{
	struct http_resp r;
	long status;
	static const char *const names[] = { "alpha", "beta", "gamma", "delta", "epsilon" };
	char body[512];
	tc_sql_exec("DELETE FROM servers WHERE azure_service_id IS NOT NULL");
	for (int i = 0; i < 5; i++) {
		snprintf(body, sizeof(body), "{\"properties\":{\"displayName\":\"Server %s\",\"clientRegistrationEndpoint\":"
			 "\"https://c/reg\",\"authorizationEndpoint\":\"https://c/auth\",\"clientId\":\"c\","
			 "\"grantTypes\":[\"implicit\"]}}", names[i]);
		free(put(names[i], body, NULL, &status, NULL));
		CU_ASSERT_EQUAL(status, 201);
	}
	static const struct {
		const char *query, *expect;     /* names in order */
	} cases[] = {
		{ "", "alpha,beta,delta,epsilon,gamma" },
		{ "&$filter=name%20eq%20'beta'", "beta" },
		{ "&$filter=name%20eq%20'BETA'", "beta" },
		{ "&$filter=name%20ne%20'beta'", "alpha,delta,epsilon,gamma" },
		{ "&$filter=name%20gt%20'delta'", "epsilon,gamma" },
		{ "&$filter=name%20ge%20'delta'", "delta,epsilon,gamma" },
		{ "&$filter=name%20lt%20'delta'", "alpha,beta" },
		{ "&$filter=name%20le%20'delta'", "alpha,beta,delta" },
		{ "&$filter=contains(name,'ta')", "beta,delta" },
		{ "&$filter=substringof('ta',name)", "beta,delta" },
		{ "&$filter=startswith(displayName,'Server%20g')", "gamma" },
		{ "&$filter=endswith(name,'a')%20eq%20true", "alpha,beta,delta,gamma" },
		{ "&$filter=endswith(name,'a')%20and%20name%20ge%20'c'", "delta,gamma" },
		{ "&$filter=displayName%20eq%20'Server%20alpha'", "alpha" },
		{ "&$filter=name%20eq%20'it''s'", "" },
		/* LIKE's metacharacters are plain text inside a value */
		{ "&$filter=contains(name,'%25')", "" },
		{ "&$filter=startswith(name,'_lpha')", "" },
		{ "&$filter=endswith(name,'t_')", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[512], got[512] = "";
		snprintf(path, sizeof(path), BASE V "%s", cases[i].query);
		tc_call(NULL, "GET", path, NULL, NULL, NULL, &r);
		CU_ASSERT_EQUAL(r.status, 200);
		for (const char *p = r.body; (p = strstr(p, "\"name\":\"")) != NULL; p += 8) {
			if (got[0])
				strcat(got, ",");
			strncat(got, p + 8, strcspn(p + 8, "\""));
		}
		if (strcmp(got, cases[i].expect) != 0)
			fprintf(stderr, "\n    filter %s: got %s", cases[i].query, got);
		CU_ASSERT_STRING_EQUAL(got, cases[i].expect);
		tc_resp_free(&r);
	}
	/* paging: count is across pages; nextLink is absolute https and carries everything */
	tc_call(tc_https_url(), "GET", BASE V "&$top=2&$filter=endswith(name,'a')", NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"count\":4"));
	const char *nl = strstr(r.body, "\"nextLink\":\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
	char next[1024];
	snprintf(next, sizeof(next), "%.*s", (int)strcspn(nl + 12, "\""), nl + 12);
	char expect[1024];
	snprintf(expect, sizeof(expect), "%s" BASE "?api-version=2022-08-01&$filter=endswith%%28name%%2C%%27a%%27%%29"
		 "&$top=2&$skip=2", tc_https_url());
	ASSERT_STR(next, expect);
	tc_resp_free(&r);
	tc_call("", "GET", next, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"name\":\"delta\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"name\":\"gamma\""));
	CU_ASSERT_PTR_NULL(strstr(r.body, "nextLink"));     /* the last page has none */
	tc_resp_free(&r);
	tc_call(NULL, "GET", BASE V "&$skip=10", NULL, NULL, NULL, &r);
	ASSERT_STR(r.body, "{\"value\":[],\"count\":5}");
	tc_resp_free(&r);

	static const char *const bad[] = { "&$top=0", "&$top=x", "&$skip=-1", "&$filter=name%20eq%20beta",
					   "&$filter=clientId%20eq%20'x'", "&$filter=name%20like%20'x'",
					   "&$filter=name%20eq%20'x'%20or%20name%20eq%20'y'", "&$filter=contains(name)" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), BASE V "%s", bad[i]);
		tc_call(NULL, "GET", path, NULL, NULL, NULL, &r);
		CU_ASSERT_EQUAL(r.status, 400);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"code\":\"ValidationError\""));
		tc_resp_free(&r);
	}
	tc_call(NULL, "GET", "/subscriptions/Sub-1/resourceGroups/RG-1/providers/Microsoft.ApiManagement/service/unknown"
			     "/authorizationServers" V, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 404);
	tc_resp_free(&r);
}

static void test_api_version_and_validation(void)
{
	struct http_resp r;
	long status;
	tc_call(NULL, "GET", BASE "/contoso", NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 400);
	ASSERT_STR(r.body, "{\"error\":{\"code\":\"MissingApiVersionParameter\",\"message\":\"The api-version query "
			   "parameter (?api-version=) is required for all requests.\",\"details\":null}}");
	tc_resp_free(&r);
	tc_call(NULL, "GET", BASE "/contoso?api-version=2019-01-01", NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 400);
	ASSERT_STR(r.body, "{\"error\":{\"code\":\"InvalidApiVersionParameter\",\"message\":\"The api-version "
			   "'2019-01-01' is invalid. The supported versions are '2022-08-01'.\",\"details\":null}}");
	tc_resp_free(&r);

	char *body = put("empty", "{\"properties\":{}}", NULL, &status, NULL);
	CU_ASSERT_EQUAL(status, 400);
	ASSERT_STR(body, "{\"error\":{\"code\":\"ValidationError\",\"message\":\"One or more fields contain incorrect "
			 "values:\",\"details\":["
			 "{\"code\":\"ValidationError\",\"target\":\"displayName\",\"message\":\"displayName is required\"},"
			 "{\"code\":\"ValidationError\",\"target\":\"clientRegistrationEndpoint\",\"message\":\"clientRegistrationEndpoint is required\"},"
			 "{\"code\":\"ValidationError\",\"target\":\"authorizationEndpoint\",\"message\":\"authorizationEndpoint is required\"},"
			 "{\"code\":\"ValidationError\",\"target\":\"clientId\",\"message\":\"clientId is required\"},"
			 "{\"code\":\"ValidationError\",\"target\":\"grantTypes\",\"message\":\"grantTypes must contain at least one grant type\"}]}}");
	free(body);

	static const struct {
		const char *body, *target;
	} cases[] = {
		{ "{\"properties\":{\"displayName\":\"123456789012345678901234567890123456789012345678901\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"]}}", "displayName" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"/relative\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"]}}", "clientRegistrationEndpoint" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"ftp://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"]}}", "authorizationEndpoint" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"tokenEndpoint\":\"token\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"]}}", "tokenEndpoint" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"password\"]}}", "grantTypes" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\",\"implicit\"]}}", "grantTypes" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"],\"authorizationMethods\":[\"POST\"]}}", "authorizationMethods" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"],\"authorizationMethods\":[\"GET\",\"FETCH\"]}}", "authorizationMethods" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"],\"clientAuthenticationMethod\":[\"Header\"]}}", "clientAuthenticationMethod" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"],\"bearerTokenSendingMethods\":[\"cookie\"]}}", "bearerTokenSendingMethods" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"],\"tokenBodyParameters\":[{\"name\":\"a\"}]}}", "tokenBodyParameters" },
		{ "{\"properties\":{\"displayName\":\"d\",\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"],\"supportState\":\"yes\"}}", "supportState" },
		{ "{\"properties\":{\"displayName\":7,\"clientRegistrationEndpoint\":\"https://c/r\",\"authorizationEndpoint\":\"https://c/a\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"]}}", "displayName" },
		{ "{\"properties\":[]}", "properties" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		body = put("validated", cases[i].body, NULL, &status, NULL);
		CU_ASSERT_EQUAL(status, 400);
		char want[128];
		snprintf(want, sizeof(want), "\"target\":\"%s\"", cases[i].target);
		if (strstr(body, want) == NULL)
			fprintf(stderr, "\n    case %zu: %s", i, body);
		CU_ASSERT_PTR_NOT_NULL(strstr(body, want));
		free(body);
	}
	/* path rules: authsid characters, service name pattern */
	tc_call(NULL, "PUT", BASE "/a%3Ab" V, "application/json", MIN_BODY("x"), NULL, &r);
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"target\":\"authsid\""));
	tc_resp_free(&r);
	tc_call(NULL, "PUT", "/subscriptions/s/resourceGroups/r/providers/Microsoft.ApiManagement/service/1bad-"
			     "/authorizationServers/x" V, "application/json", MIN_BODY("x"), NULL, &r);
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"target\":\"serviceName\""));
	tc_resp_free(&r);
	tc_call(NULL, "PUT", BASE "/x" V, "application/json", "{\"properties\":", NULL, &r);
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "{\"error\":{\"code\":\"InvalidRequestContent\""));
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers WHERE resource_name IN ('validated', 'x', 'empty')",
				    NULL, NULL, NULL), 0);
}

static size_t sink(char *p, size_t s, size_t n, void *d)
{
	(void)p;
	(void)d;
	return s * n;
}

static void test_auth_and_tenants(void)
{
	struct http_resp r;
	char id[33], secret[65], hdr[128];
	long status;
	free(put("mine", MIN_BODY("Mine"), NULL, &status, NULL));
	CU_ASSERT_EQUAL(status, 201);

	tc_call(NULL, "GET", BASE "/mine" V, NULL, NULL, "Authorization: Bearer nope", &r);
	CU_ASSERT_EQUAL(r.status, 401);
	ASSERT_STR(r.body, "{\"error\":{\"code\":\"AuthenticationFailed\",\"message\":\"Authentication failed. The "
			   "'Authorization' header is missing or invalid.\",\"details\":null}}");
	tc_resp_free(&r);

	CU_ASSERT_FATAL(tc_make_credential("tenant-a", "Read All", 0, id, secret, NULL) == 0);
	char *reader = tc_fetch_token(id, secret);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", reader);
	tc_call(NULL, "GET", BASE "/mine" V, NULL, NULL, hdr, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	tc_call(NULL, "PUT", BASE "/mine" V, "application/json", MIN_BODY("Nope"), hdr, &r);
	CU_ASSERT_EQUAL(r.status, 403);
	ASSERT_STR(r.body, "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client does not have "
			   "authorization to perform this action.\",\"details\":null}}");
	tc_resp_free(&r);
	tc_call(NULL, "POST", BASE "/mine/listSecrets" V, NULL, NULL, hdr, &r);
	CU_ASSERT_EQUAL(r.status, 403);
	tc_resp_free(&r);
	free(reader);

	/* tenant B: the triple is tenant A's, so every route says not found, and B cannot take it */
	CU_ASSERT_FATAL(tc_make_credential("tenant-b", "Manage All", 0, id, secret, NULL) == 0);
	char *b = tc_fetch_token(id, secret);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", b);
	static const char *const methods[] = { "GET", "HEAD", "DELETE", "PATCH" };
	for (int i = 0; i < 4; i++) {
		/* If-Match: * on every method (GET ignores it): only ownership decides */
		char url[512];
		snprintf(url, sizeof(url), "%s" BASE "/mine" V, tc_http_url());
		CURL *c = curl_easy_init();
		struct curl_slist *h = curl_slist_append(NULL, hdr);
		h = curl_slist_append(h, "If-Match: *");
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, methods[i]);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
		if (i == 1)
			curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		if (i == 3)
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{\"properties\":{}}");
		long code = 0;
		curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		CU_ASSERT_EQUAL(code, 404);
		curl_slist_free_all(h);
		curl_easy_cleanup(c);
	}
	tc_call(NULL, "GET", BASE V, NULL, NULL, hdr, &r);
	CU_ASSERT_EQUAL(r.status, 404);
	tc_resp_free(&r);
	tc_call(NULL, "PUT", BASE "/mine" V, "application/json", MIN_BODY("Hijack"), hdr, &r);
	CU_ASSERT_EQUAL(r.status, 404);
	ASSERT_STR(r.body, NOT_FOUND);
	tc_resp_free(&r);
	tc_call(NULL, "POST", BASE "/mine/listSecrets" V, NULL, NULL, hdr, &r);
	CU_ASSERT_EQUAL(r.status, 404);
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers WHERE name = 'Hijack'", NULL, NULL, NULL), 0);
	/* B's own service of the same name elsewhere works */
	tc_call(NULL, "PUT", "/subscriptions/Sub-B/resourceGroups/RG-1/providers/Microsoft.ApiManagement/service/apim-1"
			     "/authorizationServers/mine" V, "application/json", MIN_BODY("B's"), hdr, &r);
	CU_ASSERT_EQUAL(r.status, 201);
	tc_resp_free(&r);
	free(b);
}

/* Two writers with the same If-Match at the same moment: exactly one wins. */

static void test_concurrent_writers(void)
{
	long status;
	char etag[64];
	free(put("contended", MIN_BODY("Contended"), NULL, &status, etag));
	CU_ASSERT_EQUAL_FATAL(status, 201);
	for (int round = 0; round < 5; round++) {
		struct http_resp r;
		tc_call(NULL, "GET", BASE "/contended" V, NULL, NULL, NULL, &r);
		snprintf(etag, sizeof(etag), "%s", tc_header(&r, "ETag"));
		tc_resp_free(&r);

		CURLM *multi = curl_multi_init();
		CURL *h[2];
		struct curl_slist *hdrs = NULL;
		char auth[128], ifm[96], url[512];
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tc_current_token());
		snprintf(ifm, sizeof(ifm), "If-Match: %s", etag);
		hdrs = curl_slist_append(hdrs, auth);
		hdrs = curl_slist_append(hdrs, ifm);
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		snprintf(url, sizeof(url), "%s" BASE "/contended" V, tc_http_url());
		for (int i = 0; i < 2; i++) {
			h[i] = curl_easy_init();
			curl_easy_setopt(h[i], CURLOPT_URL, url);
			curl_easy_setopt(h[i], CURLOPT_CUSTOMREQUEST, i == 0 ? "PATCH" : "PUT");
			curl_easy_setopt(h[i], CURLOPT_HTTPHEADER, hdrs);
			curl_easy_setopt(h[i], CURLOPT_POSTFIELDS, i == 0 ? "{\"properties\":{\"clientId\":\"first\"}}"
									 : MIN_BODY("Second"));
			curl_easy_setopt(h[i], CURLOPT_WRITEFUNCTION, sink);
			curl_multi_add_handle(multi, h[i]);
		}
		int running = 1;
		while (running) {
			curl_multi_perform(multi, &running);
			if (running)
				curl_multi_poll(multi, NULL, 0, 1000, NULL);
		}
		long codes[2];
		for (int i = 0; i < 2; i++) {
			curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &codes[i]);
			curl_multi_remove_handle(multi, h[i]);
			curl_easy_cleanup(h[i]);
		}
		curl_multi_cleanup(multi);
		curl_slist_free_all(hdrs);
		CU_ASSERT((codes[0] == 200 && codes[1] == 412) || (codes[0] == 412 && codes[1] == 200));
		if (!((codes[0] == 200 && codes[1] == 412) || (codes[0] == 412 && codes[1] == 200)))
			fprintf(stderr, "\n    round %d: %ld %ld", round, codes[0], codes[1]);
	}
	/* six writes were attempted to version 1..; exactly one per round landed */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT version FROM servers WHERE resource_name = 'contended'", NULL, NULL, NULL), 6);
}

void suite_http_azure(void)
{
	static const struct test_case cases[] = {
		{ "PUT creates (201, ETag) and every property is rows", test_create_and_rows },
		{ "GET and HEAD, names case-insensitive, no secrets", test_get_head_case_insensitive },
		{ "listSecrets decrypts; a moved ciphertext does not open", test_list_secrets },
		{ "PUT replaces (200) and honours If-Match", test_replace_and_secrets },
		{ "PATCH needs If-Match, merges, validates the result", test_patch },
		{ "DELETE needs If-Match: 200, then 204", test_delete },
		{ "ListByService: every filter operator, paging, nextLink", test_list_filter_paging },
		{ "api-version and validation rules", test_api_version_and_validation },
		{ "401/403 bodies, tenants own their services", test_auth_and_tenants },
		{ "two writers with one ETag: exactly one wins", test_concurrent_writers },
		{ NULL, NULL },
	};
	tests_add_suite("azure authorizationServers (http)", init, NULL, cases);
}

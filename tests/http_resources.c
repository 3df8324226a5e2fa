/* OneLogin scopes, claims, client apps and /api/2/apps end to end: every route and error,
 * the cascades, tenant isolation and the audit trail. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "suites.h"

#define SRV_BODY "{\"name\":\"Res\",\"configuration\":{\"resource_identifier\":\"urn:res\",\"audiences\":[\"a\"]}}"
static const char *const NOT_FOUND =
	"{\"message\":\"The resource with the given id could not be found\",\"statusCode\":404,\"name\":\"NotFoundError\"}";

static long sid, other_sid;
static char sp[64], osp[64];        /* "/api/2/api_authorizations/<id>" */

static long post_id(const char *path, const char *body, long want)
{
	struct http_resp r;
	long id = 0;
	tc_json("POST", path, body, &r);
	CU_ASSERT_EQUAL(r.status, want);
	if (sscanf(r.body, "{\"id\":%ld", &id) != 1)
		id = 0;
	tc_resp_free(&r);
	return id;
}

/* Suite set-up may not assert: CUnit has no current test then. */
static long create_server(void)
{
	struct http_resp r;
	long id = 0;
	if (tc_json("POST", "/api/2/api_authorizations", SRV_BODY, &r) == 0 && r.status == 201)
		sscanf(r.body, "{\"id\":%ld", &id);
	tc_resp_free(&r);
	return id;
}

static int init(void)
{
	sid = create_server();
	other_sid = create_server();
	snprintf(sp, sizeof(sp), "/api/2/api_authorizations/%ld", sid);
	snprintf(osp, sizeof(osp), "/api/2/api_authorizations/%ld", other_sid);
	return sid > 0 && other_sid > 0 ? 0 : -1;
}

static void expect(const char *method, const char *p, const char *body, long status, const char *resp)
{
	struct http_resp r;
	tc_call(NULL, method, p, body ? "application/json" : NULL, body, NULL, &r);
	if (r.status != status)
		fprintf(stderr, "\n    %s %s -> %ld %s", method, p, r.status, r.body);
	CU_ASSERT_EQUAL(r.status, status);
	if (resp != NULL)
		ASSERT_STR(r.body, resp);
	tc_resp_free(&r);
}

static void test_scopes(void)
{
	long a = post_id(tc_fmt("%s/scopes", sp), "{\"value\":\"contacts:read\",\"description\":\"Read\"}", 200);
	long b = post_id(tc_fmt("%s/scopes", sp), "{\"value\":\"contacts:write\",\"description\":\"Write\"}", 200);
	CU_ASSERT_FATAL(a > 0 && b > 0);
	char expect_list[512];
	snprintf(expect_list, sizeof(expect_list), "[{\"id\":%ld,\"value\":\"contacts:read\",\"description\":\"Read\"},"
		 "{\"id\":%ld,\"value\":\"contacts:write\",\"description\":\"Write\"}]", a, b);
	expect("GET", tc_fmt("%s/scopes", sp), NULL, 200, expect_list);
	/* the same value on another server is fine; twice on one server is not */
	CU_ASSERT(post_id(tc_fmt("%s/scopes", osp), "{\"value\":\"contacts:read\",\"description\":\"R\"}", 200) > 0);
	expect("POST", tc_fmt("%s/scopes", sp), "{\"value\":\"contacts:read\",\"description\":\"again\"}", 422,
	       "{\"message\":\"Validation failed: Value has already been taken\",\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}");
	expect("PUT", tc_fmt("%s/scopes/%ld", sp, b), "{\"value\":\"contacts:read\",\"description\":\"dup\"}", 422,
	       "{\"message\":\"Validation failed: Value has already been taken\",\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}");
	expect("POST", tc_fmt("%s/scopes", sp), "{\"value\":\"\",\"description\":\" \"}", 422,
	       "{\"message\":\"Validation failed: Value can't be blank, Description can't be blank\",\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}");
	expect("POST", tc_fmt("%s/scopes", sp), "{\"value\":\"has space\",\"description\":\"d\"}", 422,
	       "{\"message\":\"Validation failed: Value can't contain spaces\",\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}");
	expect("POST", tc_fmt("%s/scopes", sp), "{\"value\":\"x\"}", 400,
	       "{\"field\":\"description\",\"message\":\"Missing required field\",\"statusCode\":400,\"name\":\"BadRequestError\"}");
	expect("PUT", tc_fmt("%s/scopes/%ld", sp, b), "{\"value\":\"contacts:admin\",\"description\":\"Admin\"}", 200,
	       tc_fmt("{\"id\":%ld}", b));
	char ids[32];
	snprintf(ids, sizeof(ids), "%ld", b);
	ASSERT_STR(tc_sql_text("SELECT value || '|' || description FROM server_scopes WHERE id = $1::bigint", ids),
		   "contacts:admin|Admin");
	/* missing server, missing scope, scope of another server: 404 */
	expect("GET", "/api/2/api_authorizations/999999/scopes", NULL, 404, NOT_FOUND);
	expect("POST", "/api/2/api_authorizations/999999/scopes", "{\"value\":\"v\",\"description\":\"d\"}", 404, NOT_FOUND);
	expect("PUT", tc_fmt("%s/scopes/999999", sp), "{\"value\":\"v\",\"description\":\"d\"}", 404, NOT_FOUND);
	expect("PUT", tc_fmt("%s/scopes/%ld", osp, b), "{\"value\":\"v\",\"description\":\"d\"}", 404, NOT_FOUND);
	expect("DELETE", tc_fmt("%s/scopes/%ld", osp, b), NULL, 404, NOT_FOUND);
	expect("DELETE", tc_fmt("%s/scopes/%ld", sp, b), NULL, 204, NULL);
	expect("DELETE", tc_fmt("%s/scopes/%ld", sp, b), NULL, 404, NOT_FOUND);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events WHERE object_type = 'scope' AND object_id = $1",
				    ids, NULL, NULL), 3);
	ASSERT_STR(tc_sql_text("SELECT before::text || ' -> ' || after::text FROM audit_events WHERE object_type = 'scope' "
			       "AND action = 'scope.update' AND object_id = $1", ids),
		   "{\"value\": \"contacts:write\", \"description\": \"Write\"} -> {\"value\": \"contacts:admin\", \"description\": \"Admin\"}");
}

static void test_claims(void)
{
	long c = post_id(tc_fmt("%s/claims", sp), "{\"name\":\"email\",\"user_attribute_mappings\":\"email\","
			 "\"user_attribute_macros\":\"{email}\",\"attributes_transformations\":\"lowercase\"}", 200);
	CU_ASSERT_FATAL(c > 0);
	expect("GET", tc_fmt("%s/claims", sp), NULL, 200, tc_fmt("[{\"id\":%ld,\"name\":\"email\",\"label\":null,"
	       "\"user_attribute_mappings\":\"email\",\"user_attribute_macros\":\"{email}\",\"attributes_transformations\":"
	       "\"lowercase\",\"skip_if_blank\":null,\"values\":null,\"default_values\":null,\"provisioned_entitlements\":null}]", c));
	expect("POST", tc_fmt("%s/claims", sp), "{\"name\":\"email\"}", 422,
	       "{\"message\":\"Validation failed: Name has already been taken\",\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}");
	expect("POST", tc_fmt("%s/claims", sp), "{\"label\":\"x\"}", 400,
	       "{\"field\":\"name\",\"message\":\"Missing required field\",\"statusCode\":400,\"name\":\"BadRequestError\"}");
	expect("POST", tc_fmt("%s/claims", sp), "{\"name\":\"x\",\"skip_if_blank\":\"yes\"}", 400,
	       "{\"field\":\"skip_if_blank\",\"message\":\"Must be a boolean\",\"statusCode\":400,\"name\":\"BadRequestError\"}");
	expect("PUT", tc_fmt("%s/claims/%ld", sp, c), "{\"name\":\"mail\",\"label\":\"Mail\",\"skip_if_blank\":true,"
	       "\"values\":[\"a\",\"b\"],\"default_values\":\"x\",\"provisioned_entitlements\":false}", 200, tc_fmt("{\"id\":%ld}", c));
	expect("GET", tc_fmt("%s/claims", sp), NULL, 200, tc_fmt("[{\"id\":%ld,\"name\":\"mail\",\"label\":\"Mail\","
	       "\"user_attribute_mappings\":null,\"user_attribute_macros\":null,\"attributes_transformations\":null,"
	       "\"skip_if_blank\":true,\"values\":[\"a\",\"b\"],\"default_values\":\"x\",\"provisioned_entitlements\":false}]", c));
	expect("PUT", tc_fmt("%s/claims/999999", sp), "{\"name\":\"n\"}", 404, NOT_FOUND);
	expect("DELETE", tc_fmt("%s/claims/%ld", osp, c), NULL, 404, NOT_FOUND);
	expect("DELETE", tc_fmt("%s/claims/%ld", sp, c), NULL, 204, NULL);
	expect("GET", tc_fmt("%s/claims", sp), NULL, 200, "[]");
}

static long make_app(const char *name, char client_id[33])
{
	struct http_resp r;
	char body[128];
	long id = 0;
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	tc_json("POST", "/api/2/apps", body, &r);
	CU_ASSERT_EQUAL(r.status, 201);
	const char *p = strstr(r.body, "\"client_id\":\"");
	if (p != NULL && client_id != NULL)
		snprintf(client_id, 33, "%.32s", p + 13);
	p = strstr(r.body, "\"client_secret\":\"");
	if (p != NULL) {
		char secret[65];
		snprintf(secret, sizeof(secret), "%.64s", p + 17);
		tc_remember_secret(secret);
	}
	sscanf(r.body, "{\"id\":%ld", &id);
	tc_resp_free(&r);
	return id;
}

static void test_apps(void)
{
	char client_id[33] = "";
	long app = make_app("Billing", client_id);
	CU_ASSERT_FATAL(app > 0);
	CU_ASSERT_EQUAL(strlen(client_id), 32);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM application_secrets s JOIN applications a ON a.id = "
				    "s.application_id WHERE a.client_id = $1 AND length(s.secret_hash) = 32", client_id,
				    NULL, NULL), 1);
	struct http_resp r;
	tc_call(NULL, "GET", tc_fmt("/api/2/apps/%ld", app), NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, tc_fmt("\"sso\":{\"client_id\":\"%s\"}}", client_id)));
	CU_ASSERT_PTR_NULL(strstr(r.body, "client_secret"));
	tc_resp_free(&r);
	expect("PUT", tc_fmt("/api/2/apps/%ld", app), "{\"name\":\"Billing v2\",\"description\":\"d\"}", 200, NULL);
	ASSERT_STR(tc_sql_text("SELECT name || '|' || description FROM applications WHERE client_id = $1", client_id),
		   "Billing v2|d");
	expect("POST", "/api/2/apps", "{\"name\":\" \"}", 422,
	       "{\"message\":\"Validation failed: Name can't be blank\",\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}");
	expect("GET", "/api/2/apps/999999", NULL, 404, NOT_FOUND);
	tc_call(NULL, "GET", "/api/2/apps", NULL, NULL, NULL, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"name\":\"Billing v2\""));
	CU_ASSERT_PTR_NULL(strstr(r.body, "client_secret"));
	tc_resp_free(&r);
}

static void test_clients_and_cascades(void)
{
	long s1 = post_id(tc_fmt("%s/scopes", sp), "{\"value\":\"c:1\",\"description\":\"one\"}", 200);
	long s2 = post_id(tc_fmt("%s/scopes", sp), "{\"value\":\"c:2\",\"description\":\"two\"}", 200);
	long foreign = post_id(tc_fmt("%s/scopes", osp), "{\"value\":\"c:x\",\"description\":\"x\"}", 200);
	long app = make_app("Client", NULL);
	CU_ASSERT_FATAL(s1 > 0 && s2 > 0 && foreign > 0 && app > 0);

	expect("POST", tc_fmt("%s/clients", sp), tc_fmt("{\"app_id\":%ld,\"scopes\":[%ld,%ld]}", app, s1, foreign), 422,
	       tc_fmt("{\"message\":\"Validation failed: Scopes %ld does not belong to the specified ApiAuthorizationApp\","
		    "\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}", foreign));
	expect("POST", tc_fmt("%s/clients", sp), tc_fmt("{\"app_id\":%ld,\"scopes\":[%ld]}", app, s1), 201,
	       tc_fmt("{\"app_id\":%ld,\"api_auth_id\":%ld}", app, sid));
	expect("POST", tc_fmt("%s/clients", sp), tc_fmt("{\"app_id\":%ld,\"scopes\":[]}", app), 422,
	       "{\"message\":\"Validation failed: App has already been taken\",\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}");
	expect("POST", tc_fmt("%s/clients", sp), "{\"app_id\":999999,\"scopes\":[]}", 404, NOT_FOUND);
	expect("POST", tc_fmt("%s/clients", sp), "{\"scopes\":[]}", 400,
	       "{\"field\":\"app_id\",\"message\":\"Missing required field\",\"statusCode\":400,\"name\":\"BadRequestError\"}");
	expect("POST", tc_fmt("%s/clients", sp), tc_fmt("{\"app_id\":%ld,\"scopes\":[\"x\"]}", app), 400,
	       "{\"field\":\"scopes\",\"message\":\"Must be an array of integers\",\"statusCode\":400,\"name\":\"BadRequestError\"}");
	expect("PUT", tc_fmt("%s/clients/%ld", sp, app), tc_fmt("{\"scopes\":[%ld,%ld]}", s1, s2), 200,
	       tc_fmt("{\"app_id\":%ld,\"api_auth_id\":%ld}", app, sid));
	expect("GET", tc_fmt("%s/clients", sp), NULL, 200,
	       tc_fmt("[{\"app_id\":%ld,\"api_auth_id\":%ld,\"name\":\"Client\",\"scopes\":[{\"id\":%ld,\"value\":\"c:1\","
		    "\"description\":\"one\"},{\"id\":%ld,\"value\":\"c:2\",\"description\":\"two\"}]}]", app, sid, s1, s2));
	expect("PUT", tc_fmt("%s/clients/%ld", osp, app), "{\"scopes\":[]}", 404, NOT_FOUND);

	/* deleting a scope takes it out of every link */
	expect("DELETE", tc_fmt("%s/scopes/%ld", sp, s1), NULL, 204, NULL);
	expect("GET", tc_fmt("%s/clients", sp), NULL, 200,
	       tc_fmt("[{\"app_id\":%ld,\"api_auth_id\":%ld,\"name\":\"Client\",\"scopes\":[{\"id\":%ld,\"value\":\"c:2\","
		    "\"description\":\"two\"}]}]", app, sid, s2));
	expect("DELETE", tc_fmt("%s/clients/%ld", sp, app), NULL, 204, NULL);
	expect("DELETE", tc_fmt("%s/clients/%ld", sp, app), NULL, 404, NOT_FOUND);
	expect("GET", tc_fmt("%s/clients", sp), NULL, 200, "[]");

	/* deleting a server takes its scopes, claims and links in the same statement */
	expect("POST", tc_fmt("%s/clients", sp), tc_fmt("{\"app_id\":%ld,\"scopes\":[%ld]}", app, s2), 201, NULL);
	CU_ASSERT(post_id(tc_fmt("%s/claims", sp), "{\"name\":\"sub\"}", 200) > 0);
	char ids[32];
	snprintf(ids, sizeof(ids), "%ld", sid);
	expect("DELETE", sp, NULL, 204, NULL);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT (SELECT count(*) FROM server_scopes WHERE server_id = $1::bigint)"
				    " + (SELECT count(*) FROM server_claims WHERE server_id = $1::bigint)"
				    " + (SELECT count(*) FROM server_applications WHERE server_id = $1::bigint)"
				    " + (SELECT count(*) FROM server_application_scopes WHERE server_id = $1::bigint)",
				    ids, NULL, NULL), 0);
	/* ... and deleting an application unlinks it everywhere */
	expect("POST", tc_fmt("%s/clients", osp), tc_fmt("{\"app_id\":%ld,\"scopes\":[%ld]}", app, foreign), 201, NULL);
	expect("DELETE", tc_fmt("/api/2/apps/%ld", app), NULL, 204, NULL);
	expect("GET", tc_fmt("%s/clients", osp), NULL, 200, "[]");
	expect("DELETE", tc_fmt("/api/2/apps/%ld", app), NULL, 404, NOT_FOUND);
}

static void test_tenant_isolation(void)
{
	char id[33], secret[65], hdr[128];
	CU_ASSERT_FATAL(tc_make_credential("tenant-b", "Manage All", 0, id, secret, NULL) == 0);
	char *b = tc_fetch_token(id, secret);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	long scope = post_id(tc_fmt("%s/scopes", osp), "{\"value\":\"iso\",\"description\":\"iso\"}", 200);
	long app = make_app("Isolated", NULL);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", b);
	static const struct {
		const char *method, *fmt;
		int body;
	} routes[] = {
		{ "GET", "%s/scopes", 0 }, { "POST", "%s/scopes", 1 }, { "PUT", "%s/scopes/%ld", 1 },
		{ "DELETE", "%s/scopes/%ld", 0 }, { "GET", "%s/claims", 0 }, { "POST", "%s/claims", 1 },
		{ "GET", "%s/clients", 0 }, { "POST", "%s/clients", 1 }, { "PUT", "%s/clients/%ld", 1 },
		{ "DELETE", "%s/clients/%ld", 0 },
	};
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		struct http_resp r;
		char p[256], body[128];
		snprintf(p, sizeof(p), routes[i].fmt, osp, strstr(routes[i].fmt, "clients/") ? app : scope);
		snprintf(body, sizeof(body), "{\"value\":\"v\",\"description\":\"d\",\"name\":\"n\",\"app_id\":%ld,\"scopes\":[]}", app);
		tc_call(NULL, routes[i].method, p, routes[i].body ? "application/json" : NULL,
			routes[i].body ? body : NULL, hdr, &r);
		if (r.status != 404)
			fprintf(stderr, "\n    tenant b %s %s -> %ld", routes[i].method, p, r.status);
		CU_ASSERT_EQUAL(r.status, 404);
		tc_resp_free(&r);
	}
	struct http_resp r;
	tc_call(NULL, "GET", tc_fmt("/api/2/apps/%ld", app), NULL, NULL, hdr, &r);
	CU_ASSERT_EQUAL(r.status, 404);
	tc_resp_free(&r);
	tc_call(NULL, "DELETE", tc_fmt("/api/2/apps/%ld", app), NULL, NULL, hdr, &r);
	CU_ASSERT_EQUAL(r.status, 404);
	tc_resp_free(&r);
	/* B's own server cannot link A's application */
	tc_call(NULL, "POST", "/api/2/api_authorizations", "application/json", SRV_BODY, hdr, &r);
	long bsid = 0;
	sscanf(r.body, "{\"id\":%ld", &bsid);
	tc_resp_free(&r);
	tc_call(NULL, "POST", tc_fmt("/api/2/api_authorizations/%ld/clients", bsid), "application/json",
		tc_fmt("{\"app_id\":%ld,\"scopes\":[]}", app), hdr, &r);
	CU_ASSERT_EQUAL(r.status, 404);
	tc_resp_free(&r);
	free(b);
}

void suite_http_resources(void)
{
	static const struct test_case cases[] = {
		{ "scopes: every route, duplicates, 404s, audit", test_scopes },
		{ "claims: every route and field", test_claims },
		{ "apps: secret once, hashed; update, list, 404", test_apps },
		{ "client apps, foreign scopes, and the cascades", test_clients_and_cascades },
		{ "another tenant sees none of it", test_tenant_isolation },
		{ NULL, NULL },
	};
	tests_add_suite("onelogin scopes, claims, clients, apps (http)", init, NULL, cases);
}

/* What hostile input and lookalike values must not do: a malformed If-Match never acts as
 * "*", bytes that are not UTF-8 get the dialect's 400 or 404 in every position, one field
 * has one rule in every dialect, no answer says another tenant has an id, absolute links
 * never come from the Host header, and nginx's own errors are JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "http_client.h"
#include "suites.h"

#define AZ "/subscriptions/int-sub/resourceGroups/int-rg/providers/Microsoft.ApiManagement/service/int-svc" \
	   "/authorizationServers"
#define V "?api-version=2022-08-01"
#define AZ_BODY(display) \
	"{\"properties\":{\"displayName\":\"" display "\",\"clientRegistrationEndpoint\":\"https://c/reg\"," \
	"\"authorizationEndpoint\":\"https://c/auth\",\"clientId\":\"c\",\"grantTypes\":[\"implicit\"]}}"

static const char *const AZ_PRECONDITION =
	"{\"error\":{\"code\":\"PreconditionFailed\",\"message\":\"The entity tag in If-Match does not match the "
	"current entity (or there is none).\",\"details\":null}}";
static const char *const AZ_NOT_FOUND =
	"{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"OAuth2AuthorizationServer not found.\",\"details\":null}}";
static const char *const OL_NOT_FOUND =
	"{\"message\":\"The resource with the given id could not be found\",\"statusCode\":404,\"name\":\"NotFoundError\"}";

static int init(void)
{
	return tc_sql_exec("DELETE FROM servers WHERE azure_service_id IN (SELECT id FROM azure_services "
			   "WHERE service_name = 'int-svc')") ||
	       tc_sql_exec("DELETE FROM applications WHERE client_id LIKE 'int-%'");
}

/* Sends a request and checks status and (when want is given) the exact body. */
static void expect(const char *method, const char *path, const char *ctype, const char *body,
		   const char *extra, long status, const char *want)
{
	struct http_resp r;
	CU_ASSERT_EQUAL_FATAL(tc_call(NULL, method, path, ctype, body, extra, &r), 0);
	if (r.status != status)
		fprintf(stderr, "\n    %s %s -> %ld %s", method, path, r.status, r.body);
	CU_ASSERT_EQUAL(r.status, status);
	if (want != NULL)
		ASSERT_STR(r.body, want);
	tc_resp_free(&r);
}

static const char *version_and_name(void)
{
	return tc_sql_text("SELECT s.version || '|' || s.name FROM servers s JOIN azure_services a "
			   "ON a.id = s.azure_service_id WHERE a.service_name = 'int-svc' AND s.resource_name = $1",
			   "target");
}

/* Item 3: a tag that is neither "*" nor one of ours matches nothing, on every method. */
static void test_malformed_if_match(void)
{
	static const char *const tags[] = { "\"x\"", "\"\"", "**", "W/\"garbage\"", "\"f////////w=\"",
					    "\"AAAAAAAAAAE\"", "AAAAAAAAAAE=x", "\"AAAAAAAAAAF=\"" };
	expect("PUT", AZ "/target" V, "application/json", AZ_BODY("Original"), NULL, 201, NULL);
	ASSERT_STR(version_and_name(), "1|Original");
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		char hdr[128];
		snprintf(hdr, sizeof(hdr), "If-Match: %s", tags[i]);
		expect("PUT", AZ "/target" V, "application/json", AZ_BODY("Replaced"), hdr, 412, AZ_PRECONDITION);
		expect("PATCH", AZ "/target" V, "application/json", "{\"properties\":{\"displayName\":\"Patched\"}}",
		       hdr, 412, AZ_PRECONDITION);
		expect("DELETE", AZ "/target" V, NULL, NULL, hdr, 412, AZ_PRECONDITION);
		/* nothing changed, nothing deleted */
		ASSERT_STR(version_and_name(), "1|Original");
	}
	/* and a malformed tag on a name that does not exist creates nothing */
	expect("PUT", AZ "/absent" V, "application/json", AZ_BODY("New"), "If-Match: \"x\"", 412, AZ_PRECONDITION);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers WHERE resource_name = 'absent'", NULL, NULL, NULL), 0);
	/* the real tag still works, weak or strong */
	expect("PUT", AZ "/target" V, "application/json", AZ_BODY("Replaced"), "If-Match: W/\"AAAAAAAAAAE=\"", 200, NULL);
	ASSERT_STR(version_and_name(), "2|Replaced");
}

/* Item 4: every position a client controls, in every dialect. */
static void test_invalid_utf8(void)
{
	/* path segments: no such resource */
	expect("GET", "/api/2/api_authorizations/%FF", NULL, NULL, NULL, 404, OL_NOT_FOUND);
	expect("GET", "/api/2/api_authorizations/1/scopes/%C0%AF", NULL, NULL, NULL, 404, NULL);
	static const char *const az_paths[] = {
		"/subscriptions/%FF/resourceGroups/rg/providers/Microsoft.ApiManagement/service/s/authorizationServers/x" V,
		"/subscriptions/s/resourceGroups/%ED%A0%80/providers/Microsoft.ApiManagement/service/s/authorizationServers/x" V,
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/%FE/authorizationServers/x" V,
		AZ "/%E2%82" V,
	};
	for (size_t i = 0; i < sizeof(az_paths) / sizeof(az_paths[0]); i++) {
		expect("GET", az_paths[i], NULL, NULL, NULL, 404, AZ_NOT_FOUND);
		expect("PUT", az_paths[i], "application/json", AZ_BODY("x"), NULL, 404, AZ_NOT_FOUND);
		expect("DELETE", az_paths[i], NULL, NULL, "If-Match: *", 404, AZ_NOT_FOUND);
	}
	expect("POST", AZ "/a%FFb/listSecrets" V, NULL, NULL, NULL, 404, AZ_NOT_FOUND);
	expect("POST", "/vedsdk/oauth/%FF", "application/json", "{}", NULL, 404,
	       "{\"error\":\"invalid_request\",\"error_description\":\"Not Found\"}");
	/* query strings: the dialect's 400 with a body */
	static const char *const bad_query = "The query string has a malformed percent-escape or is not UTF-8";
	char want[512];
	snprintf(want, sizeof(want), "{\"message\":\"%s\",\"statusCode\":400,\"name\":\"BadRequestError\"}", bad_query);
	expect("GET", "/api/2/api_authorizations?name=%FF", NULL, NULL, NULL, 400, want);
	expect("GET", "/api/2/api_authorizations?name=%ZZ", NULL, NULL, NULL, 400, want);
	snprintf(want, sizeof(want), "{\"error\":{\"code\":\"BadRequest\",\"message\":\"%s\",\"details\":null}}", bad_query);
	expect("GET", AZ "?api-version=%FF", NULL, NULL, NULL, 400, want);
	expect("GET", AZ V "&$filter=%FF", NULL, NULL, NULL, 400, want);
	/* headers */
	expect("PUT", AZ "/target" V, "application/json", AZ_BODY("x"), "If-Match: \"\xff\"", 400,
	       "{\"error\":{\"code\":\"BadRequest\",\"message\":\"A request header is not UTF-8\",\"details\":null}}");
	/* bodies: JSON that is not UTF-8, a form that is not UTF-8 */
	expect("POST", "/api/2/api_authorizations", "application/json", "{\"name\":\"\xff\"}", NULL, 400,
	       "{\"message\":\"Malformed JSON: unable to decode byte 0xff near '\\\"'\",\"statusCode\":400,"
	       "\"name\":\"BadRequestError\"}");
	expect("PUT", AZ "/target" V, "application/json", "{\"properties\":{\"displayName\":\"\xc3\"}}", NULL, 400, NULL);
	expect("POST", "/vedsdk/oauth/CreateApplication", "application/json", "{\"Name\":\"\xe2\x82\"}", NULL, 400, NULL);
	expect("POST", "/auth/oauth2/v2/token", "application/x-www-form-urlencoded",
	       "grant_type=client_credentials&client_id=%FF&client_secret=x", NULL, 400,
	       "{\"status\":{\"error\":true,\"code\":400,\"type\":\"bad request\",\"message\":\"Malformed form body\"}}");
	/* nothing of it reached the database as an error */
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers WHERE name = 'x'", NULL, NULL, NULL), 0);
}

/* Item 7: one rule for a field, whichever dialect writes it. */
static void test_one_rule_per_field(void)
{
	static const char *const blanks[] = { "\\t", " ", "\\n \\r" };
	for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
		char body[256];
		snprintf(body, sizeof(body), "{\"ApplicationId\":\"int-blank-%zu\",\"Name\":\"%s\",\"Scope\":\"certificate\"}",
			 i, blanks[i]);
		expect("POST", "/vedsdk/oauth/CreateApplication", "application/json", body, NULL, 200,
		       "{\"Error\":\"Name is required\",\"Result\":6,\"Success\":false}");
		snprintf(body, sizeof(body), "{\"name\":\"%s\"}", blanks[i]);
		expect("POST", "/api/2/apps", "application/json", body, NULL, 422,
		       "{\"message\":\"Validation failed: Name can't be blank\",\"statusCode\":422,"
		       "\"name\":\"UnprocessableEntityError\"}");
	}
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM applications WHERE NOT has_text(name)", NULL, NULL, NULL), 0);
	/* lengths are characters, not bytes, in both: 255 two-byte characters are a valid name */
	char name[1024] = "", body[1200];
	for (int i = 0; i < 255; i++)
		strcat(name, "\xc3\xa9");
	snprintf(body, sizeof(body), "{\"ApplicationId\":\"int-long\",\"Name\":\"%s\",\"Scope\":\"certificate\"}", name);
	expect("POST", "/vedsdk/oauth/CreateApplication", "application/json", body, NULL, 200, NULL);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT length(name) FROM applications WHERE client_id = 'int-long'", NULL, NULL, NULL),
			255);
	strcat(name, "\xc3\xa9");
	snprintf(body, sizeof(body), "{\"ApplicationId\":\"int-longer\",\"Name\":\"%s\",\"Scope\":\"certificate\"}", name);
	expect("POST", "/vedsdk/oauth/CreateApplication", "application/json", body, NULL, 200,
	       "{\"Error\":\"Name must be at most 255 characters long\",\"Result\":6,\"Success\":false}");
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	expect("POST", "/api/2/apps", "application/json", body, NULL, 422,
	       "{\"message\":\"Validation failed: Name is too long (maximum is 255 characters)\",\"statusCode\":422,"
	       "\"name\":\"UnprocessableEntityError\"}");
}

/* Item 8: an ApplicationId is unique per tenant; no answer tells a caller that another
 * tenant holds one, and public endpoints find their tenant by host. */
static void test_no_cross_tenant_signal(void)
{
	char id[33], secret[65], bearer[128];
	CU_ASSERT_FATAL(tc_make_credential("tenant-int", "Manage All", 0, id, secret, NULL) == 0);
	char *other = tc_fetch_token(id, secret);
	CU_ASSERT_PTR_NOT_NULL_FATAL(other);
	snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s", other);
	const char *create = "{\"ApplicationId\":\"int-shared\",\"Name\":\"%s\",\"Scope\":\"certificate\"}";
	char body[256];
	snprintf(body, sizeof(body), create, "mine");
	expect("POST", "/vedsdk/oauth/CreateApplication", "application/json", body, NULL, 200, NULL);
	/* the other tenant creates the same id as if it were free: it is, for that tenant */
	snprintf(body, sizeof(body), create, "theirs");
	expect("POST", "/vedsdk/oauth/CreateApplication", "application/json", body, bearer, 200, NULL);
	expect("POST", "/vedsdk/oauth/CreateApplication", "application/json", body, bearer, 200,
	       "{\"Error\":\"An application with ApplicationId 'int-shared' already exists\",\"Result\":1,"
	       "\"Success\":false}");
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(DISTINCT tenant_id) FROM applications WHERE client_id = 'int-shared'",
				    NULL, NULL, NULL), 2);
	/* each sees its own */
	struct http_resp r;
	tc_call(NULL, "POST", "/vedsdk/oauth/GetApplication", "application/json", "{\"ApplicationId\":\"int-shared\"}",
		bearer, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"Name\":\"theirs\""));
	tc_resp_free(&r);
	tc_call(NULL, "POST", "/vedsdk/oauth/GetApplication", "application/json", "{\"ApplicationId\":\"int-shared\"}",
		NULL, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"Name\":\"mine\""));
	tc_resp_free(&r);
	/* /vedauth answers for the tenant of its host: the same unknown client either way */
	tc_sql_exec("INSERT INTO tenant_hosts (host, tenant_id) SELECT 'tenant-int.test', id FROM tenants "
		    "WHERE name = 'tenant-int' ON CONFLICT DO NOTHING");
	const char *login = "{\"client_id\":\"%s\",\"username\":\"nobody\",\"password\":\"p\",\"scope\":\"certificate\"}";
	static const char *const unknown_client =
		"{\"error\":\"unauthorized_client\",\"error_description\":\"The client_id is not a registered application\"}";
	static const char *const bad_user =
		"{\"error\":\"invalid_grant\",\"error_description\":\"Username/password combination not valid\"}";
	tc_set_host("tenant-int.test");
	snprintf(body, sizeof(body), login, "int-long");        /* tenant-a's only */
	expect("POST", "/vedauth/authorize/oauth", "application/json", body, "Authorization:", 400, unknown_client);
	snprintf(body, sizeof(body), login, "int-nowhere");
	expect("POST", "/vedauth/authorize/oauth", "application/json", body, "Authorization:", 400, unknown_client);
	snprintf(body, sizeof(body), login, "int-shared");      /* the host's tenant has one */
	expect("POST", "/vedauth/authorize/oauth", "application/json", body, "Authorization:", 400, bad_user);
	tc_set_host(NULL);
	free(other);
}

/* Item 9: absolute links come from the configured public URL, never from Host. */
static void test_links_not_from_host(void)
{
	const char *base = tc_https_url();
	CU_ASSERT_PTR_NOT_NULL_FATAL(base);
	for (int i = 0; i < 3; i++) {
		char path[256];
		snprintf(path, sizeof(path), AZ "/link-%d" V, i);
		expect("PUT", path, "application/json", AZ_BODY("Link"), NULL, 201, NULL);
	}
	struct http_resp r;
	tc_call(NULL, "GET", AZ V "&$top=1", NULL, NULL, "Host: evil.example", &r);
	CU_ASSERT_EQUAL(r.status, 200);
	char want[512];
	snprintf(want, sizeof(want), "\"nextLink\":\"%s" AZ "?api-version=2022-08-01&$top=1&$skip=1\"", base);
	if (strstr(r.body, want) == NULL)
		fprintf(stderr, "\n    %s\n    wanted %s", r.body, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, want));
	CU_ASSERT_PTR_NULL(strstr(r.body, "evil.example"));
	tc_resp_free(&r);
}

/* One raw exchange with nginx on the http port (what libcurl refuses to send). */
static char *raw(const char *request, size_t len)
{
	const char *url = tc_http_url();
	const char *colon = strrchr(url, ':');
	int port = colon ? atoi(colon + 1) : 80;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char *out = calloc(1, 65536);
	size_t got = 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && write(fd, request, len) == (ssize_t)len) {
		ssize_t n;
		while (got < 65535 && (n = read(fd, out + got, 65535 - got)) > 0)
			got += (size_t)n;
	}
	close(fd);
	return out;
}

/* The status line's code and the body after the blank line. */
static void check_raw(const char *request, int code, const char *body)
{
	char *resp = raw(request, strlen(request));
	char line[32];
	snprintf(line, sizeof(line), "HTTP/1.1 %d", code);
	if (strncmp(resp, line, strlen(line)) != 0)
		fprintf(stderr, "\n    %.60s -> %.300s", request, resp);
	CU_ASSERT_EQUAL(strncmp(resp, line, strlen(line)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(resp, "Content-Type: application/json"));
	const char *b = strstr(resp, "\r\n\r\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	ASSERT_STR(b + 4, body);
	free(resp);
}

/* Item 6: what nginx answers itself is JSON too, in the dialect of the path it could read. */
static void test_nginx_errors_are_json(void)
{
	check_raw("TRACE /api/2/apps HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405,
		  "{\"message\":\"Method Not Allowed\",\"statusCode\":405,\"name\":\"MethodNotAllowedError\"}");
	check_raw("TRACE /subscriptions/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405,
		  "{\"error\":{\"code\":\"MethodNotAllowed\",\"message\":\"The HTTP method is not allowed.\",\"details\":null}}");
	check_raw("GET\r\n\r\n", 400, "{\"message\":\"Bad Request\",\"statusCode\":400}");
	check_raw("GET /vedauth/x HTTP/1.1\r\nConnection: close\r\n\r\n", 400,
		  "{\"error\":\"invalid_request\",\"error_description\":\"Bad Request\"}");
	const char *chunked = "POST /api/2/apps HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
			      "Transfer-Encoding: chunked\r\n\r\nzz\r\n";
	check_raw(chunked, 400, "{\"message\":\"Bad Request\",\"statusCode\":400,\"name\":\"BadRequestError\"}");
	const char *gzip = "POST /vedsdk/oauth/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: gzip\r\n\r\n";
	check_raw(gzip, 400, "{\"error\":\"invalid_request\",\"error_description\":\"Bad Request\"}");
	/* an over-long URI: nginx never read a path it can trust, so the plain dialect answers */
	size_t n = 10000;
	char *big = malloc(n + 128);
	strcpy(big, "GET /api/2/api_authorizations?name=");
	size_t o = strlen(big);
	memset(big + o, 'a', n);
	strcpy(big + o + n, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	check_raw(big, 414, "{\"message\":\"URI Too Long\",\"statusCode\":414}");
	free(big);
	/* the pages themselves are not reachable */
	const char *page = "GET /.authzd-errors/400 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	check_raw(page, 404, "{\"message\":\"Not Found\",\"statusCode\":404}");
}

void suite_http_integrity(void)
{
	static const struct test_case cases[] = {
		{ "a malformed If-Match never acts as *: 412 on PUT, PATCH, DELETE", test_malformed_if_match },
		{ "invalid UTF-8 in path, query, header, body: the dialect's 404 or 400", test_invalid_utf8 },
		{ "one rule per field: blank names, lengths in characters", test_one_rule_per_field },
		{ "ApplicationIds per tenant; /vedauth by host; no cross-tenant signal", test_no_cross_tenant_signal },
		{ "nextLink from the public URL, never the Host header", test_links_not_from_host },
		{ "nginx's own errors in JSON, in the path's dialect", test_nginx_errors_are_json },
		{ NULL, NULL },
	};
	tests_add_suite("integrity (http)", init, NULL, cases);
}

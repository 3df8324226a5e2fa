/* Router: path parameters, 404 versus 405 with Allow, case and slashes, and dispatch of
 * both through the dialect that owns the path. */
#include <string.h>

#include "core/arena.h"
#include "dialect/dialect.h"
#include "http/dispatch.h"
#include "http/router.h"
#include "routes.h"
#include "suites.h"

static status_t h_a(struct request *r) { (void)r; return ST_OK; }
static status_t h_b(struct request *r) { (void)r; return ST_OK; }

static const struct route table[] = {
	{ "things.list", HTTP_GET, "/things", h_a, ACCESS_PUBLIC, NULL },
	{ "things.create", HTTP_POST, "/things", h_b, ACCESS_PUBLIC, NULL },
	{ "things.get", HTTP_GET | HTTP_HEAD, "/things/:id", h_a, ACCESS_PUBLIC, NULL },
	{ "things.delete", HTTP_DELETE, "/things/:id", h_b, ACCESS_PUBLIC, NULL },
	{ "parts.get", HTTP_GET, "/things/:id/parts/:part", h_b, ACCESS_PUBLIC, NULL },
	{ "things.special", HTTP_GET, "/things/special", h_b, ACCESS_PUBLIC, NULL },
};

static arena_t *arena;
static struct router *rt;

static int init(void)
{
	arena = arena_create(0);
	rt = router_compile(table, sizeof(table) / sizeof(table[0]), NULL, 0, &dialect_plain);
	return rt == NULL;
}

static int cleanup(void)
{
	router_free(rt);
	arena_destroy(arena);
	return 0;
}

static enum router_result match(struct request *r, unsigned method, const char *path,
				const char **allow)
{
	http_request_init(r, arena, NULL);
	r->method = method;
	r->path = path;
	*allow = NULL;
	return router_match(rt, r, allow);
}

static void test_params(void)
{
	struct request r;
	const char *allow;
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/things/42", &allow), ROUTER_FOUND);
	CU_ASSERT_PTR_EQUAL(r.route, &table[2]);
	CU_ASSERT_EQUAL(r.nparams, 1);
	ASSERT_STR(r.params[0], "42");
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/things/a%20b/parts/%2Fx", &allow), ROUTER_FOUND);
	CU_ASSERT_PTR_EQUAL(r.route, &table[4]);
	CU_ASSERT_EQUAL(r.nparams, 2);
	ASSERT_STR(r.params[0], "a b");
	ASSERT_STR(r.params[1], "/x");
	/* the first matching row wins: a parameter row listed earlier shadows a literal */
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/things/special", &allow), ROUTER_FOUND);
	CU_ASSERT_PTR_EQUAL(r.route, &table[2]);
}

static void test_404_405(void)
{
	struct request r;
	const char *allow;
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/nothing", &allow), ROUTER_NO_PATH);
	CU_ASSERT_PTR_NULL(r.route);
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/things/1/2", &allow), ROUTER_NO_PATH);
	CU_ASSERT_EQUAL(match(&r, HTTP_PUT, "/things", &allow), ROUTER_NO_METHOD);
	ASSERT_STR(allow, "GET, POST");
	CU_ASSERT_EQUAL(match(&r, HTTP_PATCH, "/things/7", &allow), ROUTER_NO_METHOD);
	ASSERT_STR(allow, "GET, HEAD, DELETE");
	CU_ASSERT_EQUAL(match(&r, 0, "/things", &allow), ROUTER_NO_METHOD);
	CU_ASSERT_PTR_NULL(r.route);
}

static void test_case_slashes_escapes(void)
{
	struct request r;
	const char *allow;
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/THINGS", &allow), ROUTER_FOUND);
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/things/", &allow), ROUTER_FOUND);
	CU_ASSERT_PTR_EQUAL(r.route, &table[0]);
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/things//1", &allow), ROUTER_NO_PATH);
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/things/%zz", &allow), ROUTER_NO_PATH);
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/things/%00", &allow), ROUTER_NO_PATH);
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/things/%4", &allow), ROUTER_NO_PATH);
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "things", &allow), ROUTER_NO_PATH);
	CU_ASSERT_EQUAL(match(&r, HTTP_GET, "/", &allow), ROUTER_NO_PATH);
}

static void test_bad_patterns_refused(void)
{
	static const struct route bad[] = { { "bad", HTTP_GET, "no-slash", h_a, ACCESS_PUBLIC, NULL } };
	static const struct route empty_seg[] = { { "empty", HTTP_GET, "/a//b", h_a, ACCESS_PUBLIC, NULL } };
	CU_ASSERT_PTR_NULL(router_compile(bad, 1, NULL, 0, &dialect_plain));
	CU_ASSERT_PTR_NULL(router_compile(empty_seg, 1, NULL, 0, &dialect_plain));
}

/* No database here: a caller that would need one is never confirmed. */
static status_t no_confirm(struct request *r)
{
	(void)r;
	return ST_UNAVAILABLE;
}

static const struct http_hooks hooks = { no_confirm, NULL };

/* The real table: 404 and 405 come back in the OneLogin body for OneLogin paths. */
static void dispatch(struct request *r, struct router *real, unsigned method, const char *path)
{
	http_request_init(r, arena, NULL);
	http_request_parse(r, http_method_name(method), path, NULL);
	http_dispatch(r, real, &hooks);
}

static void test_dispatch_errors_in_dialect(void)
{
	struct router *real = routes_compile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(real);
	struct request r;

	dispatch(&r, real, HTTP_PATCH, "/api/2/api_authorizations/1");
	CU_ASSERT_EQUAL(r.resp.status, 405);
	ASSERT_STR(r.resp.body, "{\"message\":\"Method Not Allowed\",\"statusCode\":405,"
				"\"name\":\"MethodNotAllowedError\"}");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.resp.headers, "Allow: GET, PUT, DELETE\r\n"));

	dispatch(&r, real, HTTP_GET, "/api/2/no_such_thing");
	CU_ASSERT_EQUAL(r.resp.status, 404);
	ASSERT_STR(r.resp.body, "{\"message\":\"The resource with the given id could not be found\","
				"\"statusCode\":404,\"name\":\"NotFoundError\"}");

	dispatch(&r, real, HTTP_GET, "/elsewhere");
	CU_ASSERT_EQUAL(r.resp.status, 404);
	ASSERT_STR(r.resp.body, "{\"message\":\"Not Found\",\"statusCode\":404}");

	dispatch(&r, real, HTTP_GET, "/healthz");
	CU_ASSERT_EQUAL(r.resp.status, 200);
	ASSERT_STR(r.resp.body, "{\"status\":\"ok\"}");

	/* no bearer token: 401 before any database work, whatever the id */
	dispatch(&r, real, HTTP_GET, "/api/2/api_authorizations/abc");
	CU_ASSERT_EQUAL(r.resp.status, 401);
	ASSERT_STR(r.resp.body, "{\"message\":\"Unauthorized\",\"statusCode\":401,\"name\":\"UnauthorizedError\"}");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.resp.headers, "WWW-Authenticate: Bearer\r\n"));
	dispatch(&r, real, HTTP_DELETE, "/api/2/api_authorizations/99999999999999999999");
	CU_ASSERT_EQUAL(r.resp.status, 401);

	/* the token endpoints answer in OneLogin's status body */
	dispatch(&r, real, HTTP_GET, "/auth/oauth2/v2/token");
	CU_ASSERT_EQUAL(r.resp.status, 405);
	ASSERT_STR(r.resp.body, "{\"status\":{\"error\":true,\"code\":405,\"type\":\"method not allowed\","
				"\"message\":\"Method Not Allowed\"}}");

	http_request_init(&r, arena, NULL);
	r.method = HTTP_POST;
	r.method_name = "POST";
	r.path = "/api/2/api_authorizations";
	r.body_too_large = 1;
	http_dispatch(&r, real, &hooks);
	CU_ASSERT_EQUAL(r.resp.status, 413);
	ASSERT_STR(r.resp.body, "{\"message\":\"Payload Too Large\",\"statusCode\":413,"
				"\"name\":\"PayloadTooLargeError\"}");
	router_free(real);
	arena_reset(arena);
}

/* What parsing finds wrong is answered by the path's dialect, in valid JSON. */
static void test_bad_encoding(void)
{
	struct router *real = routes_compile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(real);
	struct request r;
	/* a path segment that decodes to invalid UTF-8 names nothing */
	dispatch(&r, real, HTTP_GET, "/subscriptions/%FF/resourceGroups/rg/providers/Microsoft.ApiManagement/"
				     "service/s/authorizationServers/x?api-version=2022-08-01");
	CU_ASSERT_EQUAL(r.resp.status, 404);
	ASSERT_STR(r.resp.body, "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"OAuth2AuthorizationServer "
				"not found.\",\"details\":null}}");
	dispatch(&r, real, HTTP_POST, "/vedsdk/oauth/%FF");
	CU_ASSERT_EQUAL(r.resp.status, 404);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.resp.body, "\"error\":\"invalid_request\""));
	/* raw bytes that are not UTF-8 in the path itself */
	dispatch(&r, real, HTTP_GET, "/api/2/api_authorizations/\xff");
	CU_ASSERT_EQUAL(r.resp.status, 404);
	ASSERT_STR(r.resp.body, "{\"message\":\"The resource with the given id could not be found\","
				"\"statusCode\":404,\"name\":\"NotFoundError\"}");
	/* a query that is not UTF-8: the dialect's 400 */
	dispatch(&r, real, HTTP_GET, "/api/2/api_authorizations?name=%FF");
	CU_ASSERT_EQUAL(r.resp.status, 400);
	ASSERT_STR(r.resp.body, "{\"message\":\"The query string has a malformed percent-escape or is not UTF-8\","
				"\"statusCode\":400,\"name\":\"BadRequestError\"}");
	dispatch(&r, real, HTTP_GET, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/"
				     "service/s/authorizationServers?api-version=%FF");
	CU_ASSERT_EQUAL(r.resp.status, 400);
	ASSERT_STR(r.resp.body, "{\"error\":{\"code\":\"BadRequest\",\"message\":\"The query string has a malformed "
				"percent-escape or is not UTF-8\",\"details\":null}}");
	router_free(real);
	arena_reset(arena);
}

void suite_router(void)
{
	static const struct test_case cases[] = {
		{ "path parameters", test_params },
		{ "404 versus 405 with Allow", test_404_405 },
		{ "case, slashes and escapes", test_case_slashes_escapes },
		{ "bad patterns refused", test_bad_patterns_refused },
		{ "dispatch renders errors in the path's dialect", test_dispatch_errors_in_dialect },
		{ "invalid UTF-8 in path or query: the dialect's 404 or 400", test_bad_encoding },
		{ NULL, NULL },
	};
	tests_add_suite("router", init, cleanup, cases);
}

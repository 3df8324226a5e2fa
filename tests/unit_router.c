/* Router: path parameters, 404 versus 405 with Allow, case and slashes, and dispatch of
 * both through the dialect that owns the path. */
#include <string.h>

#include "arena.h"
#include "dialect/dialect.h"
#include "http/dispatch.h"
#include "http/router.h"
#include "routes.h"
#include "suites.h"

static status_t h_a(struct request *r) { (void)r; return ST_OK; }
static status_t h_b(struct request *r) { (void)r; return ST_OK; }

static const struct route table[] = {
	{ HTTP_GET, "/things", h_a, NULL, NULL },
	{ HTTP_POST, "/things", h_b, NULL, NULL },
	{ HTTP_GET | HTTP_HEAD, "/things/:id", h_a, NULL, NULL },
	{ HTTP_DELETE, "/things/:id", h_b, NULL, NULL },
	{ HTTP_GET, "/things/:id/parts/:part", h_b, NULL, NULL },
	{ HTTP_GET, "/things/special", h_b, NULL, NULL },
};

static arena_t *arena;
static struct router *rt;

static int init(void)
{
	arena = arena_create(0);
	rt = router_compile(table, sizeof(table) / sizeof(table[0]));
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
	static const struct route bad[] = { { HTTP_GET, "no-slash", h_a, NULL, NULL } };
	static const struct route empty_seg[] = { { HTTP_GET, "/a//b", h_a, NULL, NULL } };
	CU_ASSERT_PTR_NULL(router_compile(bad, 1));
	CU_ASSERT_PTR_NULL(router_compile(empty_seg, 1));
}

/* The real table: 404 and 405 come back in the OneLogin body for OneLogin paths. */
static void dispatch(struct request *r, struct router *real, unsigned method, const char *path)
{
	http_request_init(r, arena, NULL);
	r->method = method;
	r->method_name = http_method_name(method);
	r->path = path;
	http_dispatch(r, real);
}

static void test_dispatch_errors_in_dialect(void)
{
	struct router *real = router_compile(routes_table, routes_count);
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
	http_dispatch(&r, real);
	CU_ASSERT_EQUAL(r.resp.status, 413);
	ASSERT_STR(r.resp.body, "{\"message\":\"Payload Too Large\",\"statusCode\":413,"
				"\"name\":\"PayloadTooLargeError\"}");
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
		{ NULL, NULL },
	};
	tests_add_suite("router", init, cleanup, cases);
}

/* OneLogin mapping: request bodies to the model (400s for shape), the model to the exact
 * response shapes, and the error bodies. */
#include <string.h>

#include "core/arena.h"
#include "dialect/dialect.h"
#include "dialect/onelogin.h"
#include "http/request.h"
#include "core/jsonx.h"
#include "suites.h"


/* Maps body (JSON text) and returns the status; *r keeps the error. */
static status_t map(struct request *r, const char *body, struct server *s)
{
	http_request_init(r, tests_arena, NULL);
	server_init(s);
	json_t *j = jsonx_arena_own(tests_arena, json_loads(body, 0, NULL));
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	return onelogin_server_from_json(r, j, s);
}

static const char *error_body(struct request *r)
{
	dialect_onelogin.reply_error(r);
	return r->resp.body;
}

static void test_full_body(void)
{
	struct request r;
	struct server s;
	CU_ASSERT_EQUAL(map(&r, "{\"name\":\"Contacts API\",\"description\":\"This is an api\","
			    "\"configuration\":{\"resource_identifier\":\"https://example.com/contacts\","
			    "\"audiences\":[\"https://example.com/contacts\",\"b\"],"
			    "\"access_token_expiration_minutes\":15,\"refresh_token_expiration_minutes\":45},"
			    "\"unknown\":true}", &s), ST_OK);
	ASSERT_STR(s.name, "Contacts API");
	ASSERT_STR(s.description, "This is an api");
	ASSERT_STR(s.resource_identifier, "https://example.com/contacts");
	CU_ASSERT_EQUAL(s.naudiences, 2);
	ASSERT_STR(s.audiences[1], "b");
	CU_ASSERT_EQUAL(s.access_ttl_minutes, 15);
	CU_ASSERT_EQUAL(s.refresh_ttl_minutes, 45);
}

static void test_defaults_and_nulls(void)
{
	struct request r;
	struct server s;
	CU_ASSERT_EQUAL(map(&r, "{\"name\":\"x\",\"description\":null,\"configuration\":"
			    "{\"access_token_expiration_minutes\":null}}", &s), ST_OK);
	CU_ASSERT_PTR_NULL(s.description);
	CU_ASSERT_PTR_NULL(s.resource_identifier);
	CU_ASSERT_EQUAL(s.naudiences, 0);
	CU_ASSERT_EQUAL(s.access_ttl_minutes, 10);
	CU_ASSERT_EQUAL(s.refresh_ttl_minutes, 30);
}

static void test_shape_errors(void)
{
	static const struct {
		const char *body, *expect;
	} cases[] = {
		{ "{\"configuration\":{}}",
		  "{\"field\":\"name\",\"message\":\"Missing required field\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
		{ "{\"name\":\"x\"}",
		  "{\"field\":\"configuration\",\"message\":\"Missing required field\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
		{ "{\"name\":7,\"configuration\":{}}",
		  "{\"field\":\"name\",\"message\":\"Must be a string\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
		{ "{\"name\":\"x\",\"description\":[],\"configuration\":{}}",
		  "{\"field\":\"description\",\"message\":\"Must be a string\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
		{ "{\"name\":\"x\",\"configuration\":\"c\"}",
		  "{\"field\":\"configuration\",\"message\":\"Must be an object\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
		{ "{\"name\":\"x\",\"configuration\":{\"resource_identifier\":1}}",
		  "{\"field\":\"resource_identifier\",\"message\":\"Must be a string\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
		{ "{\"name\":\"x\",\"configuration\":{\"audiences\":\"a\"}}",
		  "{\"field\":\"audiences\",\"message\":\"Must be an array of strings\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
		{ "{\"name\":\"x\",\"configuration\":{\"audiences\":[\"a\",1]}}",
		  "{\"field\":\"audiences\",\"message\":\"Must be an array of strings\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
		{ "{\"name\":\"x\",\"configuration\":{\"access_token_expiration_minutes\":\"10\"}}",
		  "{\"field\":\"access_token_expiration_minutes\",\"message\":\"Must be an integer\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
		{ "{\"name\":\"x\",\"configuration\":{\"refresh_token_expiration_minutes\":1.5}}",
		  "{\"field\":\"refresh_token_expiration_minutes\",\"message\":\"Must be an integer\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
		{ "[1]",
		  "{\"message\":\"Request body must be a JSON object\",\"statusCode\":400,\"name\":\"BadRequestError\"}" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct request r;
		struct server s;
		CU_ASSERT_EQUAL(map(&r, cases[i].body, &s), ST_BAD_REQUEST);
		ASSERT_STR(error_body(&r), cases[i].expect);
		CU_ASSERT_EQUAL(r.resp.status, 400);
	}
}

static void test_huge_integers_clamped(void)
{
	struct request r;
	struct server s;
	CU_ASSERT_EQUAL(map(&r, "{\"name\":\"x\",\"configuration\":{"
			    "\"access_token_expiration_minutes\":99999999999999,"
			    "\"refresh_token_expiration_minutes\":-99999999999999}}", &s), ST_OK);
	CU_ASSERT(s.access_ttl_minutes > 1440);
	CU_ASSERT(s.refresh_ttl_minutes < 1);
}

static void test_to_json(void)
{
	const char *aud[] = { "a", "b" };
	struct server s = { .id = 7, .name = "N", .description = NULL,
			    .resource_identifier = "urn:x", .audiences = aud, .naudiences = 2,
			    .access_ttl_minutes = 5, .refresh_ttl_minutes = 6 };
	size_t len;
	json_t *j = onelogin_server_to_json(&s, 1);
	ASSERT_STR(jsonx_dump(tests_arena, j, &len),
		   "{\"id\":7,\"name\":\"N\",\"description\":null,\"configuration\":{\"resource_identifier\":\"urn:x\","
		   "\"audiences\":[\"a\",\"b\"],\"access_token_expiration_minutes\":5,\"refresh_token_expiration_minutes\":6}}");
	json_decref(j);
	j = onelogin_server_to_json(&s, 0);
	ASSERT_STR(jsonx_dump(tests_arena, j, &len),
		   "{\"id\":7,\"name\":\"N\",\"description\":null,\"configuration\":{\"resource_identifier\":\"urn:x\","
		   "\"audiences\":[\"a\",\"b\"]}}");
	json_decref(j);
}

static void test_validation_and_status_bodies(void)
{
	struct request r;
	http_request_init(&r, tests_arena, NULL);
	r.err.status = ST_INVALID;
	error_add(&r.err, "resource_identifier", RULE_REQUIRED, 0);
	error_add(&r.err, "audiences", RULE_REQUIRED, 0);
	ASSERT_STR(error_body(&r), "{\"message\":\"Validation failed: Resource identifier can't be blank, "
				   "Audiences can't be blank\",\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}");
	CU_ASSERT_EQUAL(r.resp.status, 422);

	http_request_init(&r, tests_arena, NULL);
	error_set(&r.err, ST_UNAUTHORIZED, NULL, NULL);
	ASSERT_STR(error_body(&r), "{\"message\":\"Unauthorized\",\"statusCode\":401,\"name\":\"UnauthorizedError\"}");

	http_request_init(&r, tests_arena, NULL);
	error_set(&r.err, ST_INTERNAL, NULL, "secret detail that must not leak");
	ASSERT_STR(error_body(&r), "{\"message\":\"Internal Server Error\",\"statusCode\":500,\"name\":\"InternalServerError\"}");

	http_request_init(&r, tests_arena, NULL);
	error_set(&r.err, ST_UNAVAILABLE, NULL, NULL);
	ASSERT_STR(error_body(&r), "{\"message\":\"Service Unavailable\",\"statusCode\":503,\"name\":\"ServiceUnavailableError\"}");
}

static void test_body_content_type_and_syntax(void)
{
	struct request r;
	json_t *j;
	http_request_init(&r, tests_arena, NULL);
	r.body = "{\"a\":1}";
	r.body_len = strlen(r.body);
	CU_ASSERT_EQUAL(http_body_json(&r, &j), ST_BAD_REQUEST);   /* no content type */
	ASSERT_STR(r.err.message, "Content-Type must be application/json");
	r.content_type = "text/plain";
	CU_ASSERT_EQUAL(http_body_json(&r, &j), ST_BAD_REQUEST);
	r.content_type = "application/json; charset=utf-8";
	CU_ASSERT_EQUAL(http_body_json(&r, &j), ST_OK);
	r.content_type = "Application/JSON";
	CU_ASSERT_EQUAL(http_body_json(&r, &j), ST_OK);
	r.body = "{\"a\":";
	r.body_len = strlen(r.body);
	CU_ASSERT_EQUAL(http_body_json(&r, &j), ST_BAD_REQUEST);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err.message, "Malformed JSON"));
	r.body = "{\"a\":1,\"a\":2}";
	r.body_len = strlen(r.body);
	CU_ASSERT_EQUAL(http_body_json(&r, &j), ST_BAD_REQUEST);
	arena_reset(tests_arena);
}

static void test_ids_and_humanize(void)
{
	CU_ASSERT_EQUAL(onelogin_parse_id("1022743"), 1022743);
	CU_ASSERT_EQUAL(onelogin_parse_id("9223372036854775807"), INT64_C(9223372036854775807));
	CU_ASSERT_EQUAL(onelogin_parse_id("9223372036854775808"), 0);
	CU_ASSERT_EQUAL(onelogin_parse_id("0"), 0);
	CU_ASSERT_EQUAL(onelogin_parse_id("01"), 0);
	CU_ASSERT_EQUAL(onelogin_parse_id("-1"), 0);
	CU_ASSERT_EQUAL(onelogin_parse_id("1x"), 0);
	CU_ASSERT_EQUAL(onelogin_parse_id(""), 0);
	ASSERT_STR(onelogin_humanize(tests_arena, "access_token_expiration_minutes"),
		   "Access token expiration minutes");
}

void suite_onelogin_mapping(void)
{
	static const struct test_case cases[] = {
		{ "full body maps", test_full_body },
		{ "defaults and nulls", test_defaults_and_nulls },
		{ "shape errors are 400 with the field", test_shape_errors },
		{ "huge integers are clamped, not wrapped", test_huge_integers_clamped },
		{ "response shapes", test_to_json },
		{ "validation and status bodies", test_validation_and_status_bodies },
		{ "content type and JSON syntax", test_body_content_type_and_syntax },
		{ "ids and field names", test_ids_and_humanize },
		{ NULL, NULL },
	};
	tests_add_suite("onelogin mapping", tests_arena_init, tests_arena_cleanup, cases);
}

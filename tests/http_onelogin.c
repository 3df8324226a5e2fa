/* OneLogin /api/2/api_authorizations end to end: every status and body, and the rows each
 * call leaves (or, when it fails, does not leave) in the tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/caller.h"
#include "core/crypto.h"
#include "db/db.h"
#include "db/db_server.h"
#include "http_client.h"
#include "suites.h"

#define BASE "/api/2/api_authorizations"
#define SEED_BODY \
	"{\"name\":\"Contacts API\",\"description\":\"This is an api\",\"configuration\":{" \
	"\"resource_identifier\":\"https://example.com/contacts\"," \
	"\"audiences\":[\"https://example.com/contacts\"]," \
	"\"access_token_expiration_minutes\":10,\"refresh_token_expiration_minutes\":30}}"

static const char *const NOT_FOUND =
	"{\"message\":\"The resource with the given id could not be found\",\"statusCode\":404,"
	"\"name\":\"NotFoundError\"}";

static int init(void)
{
	return tc_sql_exec("TRUNCATE servers RESTART IDENTITY CASCADE");
}

static long count(const char *table_sql, long id)
{
	char ids[32];
	snprintf(ids, sizeof(ids), "%ld", id);
	return tc_sql_long(table_sql, ids, NULL, NULL);
}

#define N_SERVERS "SELECT count(*) FROM servers"
#define N_ALL \
	"SELECT (SELECT count(*) FROM servers) + (SELECT count(*) FROM server_configurations)" \
	" + (SELECT count(*) FROM server_audiences) + (SELECT count(*) FROM server_grant_types)"

/* Creates a server from body and returns its id (0 on failure). */
static long create(const char *body)
{
	struct http_resp r;
	long id = 0;
	if (tc_json("POST", BASE, body, &r) == 0 && r.status == 201 &&
	    sscanf(r.body, "{\"id\":%ld}", &id) != 1)
		id = 0;
	CU_ASSERT_EQUAL(r.status, 201);
	tc_resp_free(&r);
	return id;
}

static void test_create_then_get(void)
{
	struct http_resp r;
	char expect[1024], path[128];
	long before = tc_sql_long(N_SERVERS, NULL, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(tc_json("POST", BASE, SEED_BODY, &r), 0);
	CU_ASSERT_EQUAL(r.status, 201);
	long id = 0;
	CU_ASSERT_EQUAL(sscanf(r.body, "{\"id\":%ld}", &id), 1);
	snprintf(expect, sizeof(expect), "{\"id\":%ld}", id);
	ASSERT_STR(r.body, expect);
	CU_ASSERT_PTR_NOT_NULL(strstr(tc_header(&r, "Content-Type"), "application/json"));
	tc_resp_free(&r);

	CU_ASSERT_EQUAL(tc_sql_long(N_SERVERS, NULL, NULL, NULL), before + 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM server_configurations WHERE server_id = $1 AND "
			      "resource_identifier = 'https://example.com/contacts' AND "
			      "access_token_lifetime_minutes = 10 AND refresh_token_lifetime_minutes = 30", id), 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM server_audiences WHERE server_id = $1 AND "
			      "audience = 'https://example.com/contacts' AND position = 0", id), 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM server_grant_types sg JOIN grant_types g ON "
			      "g.id = sg.grant_type_id WHERE server_id = $1 AND g.name = 'client_credentials'", id), 1);
	CU_ASSERT_EQUAL(count("SELECT version FROM servers s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = $1 AND t.name = 'tenant-a'", id), 1);

	snprintf(path, sizeof(path), BASE "/%ld", id);
	CU_ASSERT_EQUAL_FATAL(tc_call(NULL, "GET", path, NULL, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	snprintf(expect, sizeof(expect),
		 "{\"id\":%ld,\"name\":\"Contacts API\",\"description\":\"This is an api\","
		 "\"configuration\":{\"resource_identifier\":\"https://example.com/contacts\","
		 "\"audiences\":[\"https://example.com/contacts\"],\"access_token_expiration_minutes\":10,"
		 "\"refresh_token_expiration_minutes\":30}}", id);
	ASSERT_STR(r.body, expect);
	tc_resp_free(&r);
}

static void test_defaults_and_unicode(void)
{
	struct http_resp r;
	char expect[1024], path[128];
	long id = create("{\"name\":\"Contäcts \\u2713\",\"configuration\":{\"resource_identifier\":"
			 "\"urn:contacts\",\"audiences\":[\"b\",\"a\"]}}");
	CU_ASSERT_FATAL(id > 0);
	snprintf(path, sizeof(path), BASE "/%ld", id);
	tc_call(NULL, "GET", path, NULL, NULL, NULL, &r);
	snprintf(expect, sizeof(expect),
		 "{\"id\":%ld,\"name\":\"Contäcts \xe2\x9c\x93\",\"description\":null,"
		 "\"configuration\":{\"resource_identifier\":\"urn:contacts\",\"audiences\":[\"b\",\"a\"],"
		 "\"access_token_expiration_minutes\":10,\"refresh_token_expiration_minutes\":30}}", id);
	ASSERT_STR(r.body, expect);
	tc_resp_free(&r);
}

static void test_list_and_filter(void)
{
	struct http_resp r;
	char expect[2048];
	tc_sql_exec("TRUNCATE servers RESTART IDENTITY CASCADE");
	long a = create("{\"name\":\"Alpha One\",\"configuration\":{\"resource_identifier\":\"urn:a\",\"audiences\":[\"a\"]}}");
	long b = create("{\"name\":\"Beta\",\"description\":\"d\",\"configuration\":{\"resource_identifier\":\"urn:b\",\"audiences\":[\"b\"]}}");
	long c = create("{\"name\":\"the alpha two\",\"configuration\":{\"resource_identifier\":\"urn:c\",\"audiences\":[\"c\",\"d\"]}}");
	CU_ASSERT_FATAL(a > 0 && b > 0 && c > 0);

	tc_call(NULL, "GET", BASE, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 200);
	snprintf(expect, sizeof(expect),
		 "[{\"id\":%ld,\"name\":\"Alpha One\",\"description\":null,\"configuration\":{\"resource_identifier\":\"urn:a\",\"audiences\":[\"a\"]}},"
		 "{\"id\":%ld,\"name\":\"Beta\",\"description\":\"d\",\"configuration\":{\"resource_identifier\":\"urn:b\",\"audiences\":[\"b\"]}},"
		 "{\"id\":%ld,\"name\":\"the alpha two\",\"description\":null,\"configuration\":{\"resource_identifier\":\"urn:c\",\"audiences\":[\"c\",\"d\"]}}]",
		 a, b, c);
	ASSERT_STR(r.body, expect);
	tc_resp_free(&r);

	tc_call(NULL, "GET", BASE "?name=ALPHA", NULL, NULL, NULL, &r);
	snprintf(expect, sizeof(expect),
		 "[{\"id\":%ld,\"name\":\"Alpha One\",\"description\":null,\"configuration\":{\"resource_identifier\":\"urn:a\",\"audiences\":[\"a\"]}},"
		 "{\"id\":%ld,\"name\":\"the alpha two\",\"description\":null,\"configuration\":{\"resource_identifier\":\"urn:c\",\"audiences\":[\"c\",\"d\"]}}]",
		 a, c);
	ASSERT_STR(r.body, expect);
	tc_resp_free(&r);

	/* percent-encoded and LIKE metacharacters are plain text, not patterns */
	tc_call(NULL, "GET", BASE "?name=alpha%20t", NULL, NULL, NULL, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "the alpha two"));
	CU_ASSERT_PTR_NULL(strstr(r.body, "Alpha One"));
	tc_resp_free(&r);
	tc_call(NULL, "GET", BASE "?name=%25", NULL, NULL, NULL, &r);
	ASSERT_STR(r.body, "[]");
	tc_resp_free(&r);
}

static void test_validation_422_leaves_nothing(void)
{
	struct http_resp r;
	long before = tc_sql_long(N_ALL, NULL, NULL, NULL);
	tc_json("POST", BASE, "{\"name\":\"Contacts API\",\"description\":\"This is an api\","
		"\"configuration\":{\"access_token_expiration_minutes\":10}}", &r);
	CU_ASSERT_EQUAL(r.status, 422);
	ASSERT_STR(r.body, "{\"message\":\"Validation failed: Resource identifier can't be blank, "
			   "Audiences can't be blank\",\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}");
	tc_resp_free(&r);

	tc_json("POST", BASE, "{\"name\":\"\",\"configuration\":{\"resource_identifier\":\"not a uri\","
		"\"audiences\":[\"a\",\"a\"],\"access_token_expiration_minutes\":0,"
		"\"refresh_token_expiration_minutes\":600000}}", &r);
	CU_ASSERT_EQUAL(r.status, 422);
	ASSERT_STR(r.body, "{\"message\":\"Validation failed: Name can't be blank, Resource identifier is "
			   "not a valid URI, Audiences can't contain duplicates, Access token expiration minutes "
			   "must be greater than 0, Refresh token expiration minutes must be less than or equal "
			   "to 525600\",\"statusCode\":422,\"name\":\"UnprocessableEntityError\"}");
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long(N_ALL, NULL, NULL, NULL), before);
}

static void test_bad_requests_400(void)
{
	struct http_resp r;
	long before = tc_sql_long(N_ALL, NULL, NULL, NULL);

	tc_json("POST", BASE, "{\"configuration\":{}}", &r);
	CU_ASSERT_EQUAL(r.status, 400);
	ASSERT_STR(r.body, "{\"field\":\"name\",\"message\":\"Missing required field\",\"statusCode\":400,"
			   "\"name\":\"BadRequestError\"}");
	tc_resp_free(&r);

	tc_json("POST", BASE, "{\"name\":", &r);
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"message\":\"Malformed JSON: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"statusCode\":400,\"name\":\"BadRequestError\"}"));
	tc_resp_free(&r);

	tc_call(NULL, "POST", BASE, "text/plain", SEED_BODY, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 400);
	ASSERT_STR(r.body, "{\"message\":\"Content-Type must be application/json\",\"statusCode\":400,"
			   "\"name\":\"BadRequestError\"}");
	tc_resp_free(&r);

	TC_EXPECT("POST", BASE, NULL, 400, NULL);

	tc_json("POST", BASE, "{\"name\":\"x\",\"configuration\":{\"audiences\":[1]}}", &r);
	CU_ASSERT_EQUAL(r.status, 400);
	ASSERT_STR(r.body, "{\"field\":\"audiences\",\"message\":\"Must be an array of strings\","
			   "\"statusCode\":400,\"name\":\"BadRequestError\"}");
	tc_resp_free(&r);

	TC_EXPECT("POST", BASE, "\"just a string\"", 400, NULL);
	CU_ASSERT_EQUAL(tc_sql_long(N_ALL, NULL, NULL, NULL), before);
}

static void test_update_replaces(void)
{
	struct http_resp r;
	char expect[1024], path[128], ids[32];
	long id = create(SEED_BODY);
	CU_ASSERT_FATAL(id > 0);
	snprintf(path, sizeof(path), BASE "/%ld", id);
	snprintf(ids, sizeof(ids), "%ld", id);

	tc_json("PUT", path, "{\"name\":\"Contacts API v2\",\"configuration\":{\"resource_identifier\":"
		"\"https://example.com/v2\",\"audiences\":[\"x\",\"https://example.com/contacts\"],"
		"\"access_token_expiration_minutes\":60}}", &r);
	CU_ASSERT_EQUAL(r.status, 200);
	snprintf(expect, sizeof(expect), "{\"id\":%ld}", id);
	ASSERT_STR(r.body, expect);
	tc_resp_free(&r);

	tc_call(NULL, "GET", path, NULL, NULL, NULL, &r);
	snprintf(expect, sizeof(expect),
		 "{\"id\":%ld,\"name\":\"Contacts API v2\",\"description\":null,\"configuration\":{"
		 "\"resource_identifier\":\"https://example.com/v2\",\"audiences\":[\"x\","
		 "\"https://example.com/contacts\"],\"access_token_expiration_minutes\":60,"
		 "\"refresh_token_expiration_minutes\":30}}", id);
	ASSERT_STR(r.body, expect);
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT version FROM servers WHERE id = $1", ids, NULL, NULL), 2);
	ASSERT_STR(tc_sql_text("SELECT string_agg(audience || '@' || position, ',' ORDER BY position) "
			       "FROM server_audiences WHERE server_id = $1", ids),
		   "x@0,https://example.com/contacts@1");
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers WHERE id = $1 AND updated_at >= created_at",
				    ids, NULL, NULL), 1);

	/* reorder and drop in one update: positions stay unique */
	tc_json("PUT", path, "{\"name\":\"n\",\"configuration\":{\"resource_identifier\":\"urn:r\","
		"\"audiences\":[\"https://example.com/contacts\"]}}", &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	ASSERT_STR(tc_sql_text("SELECT string_agg(audience || '@' || position, ',' ORDER BY position) "
			       "FROM server_audiences WHERE server_id = $1", ids),
		   "https://example.com/contacts@0");

	/* a PUT missing an attribute is a 400 and changes nothing */
	tc_json("PUT", path, "{\"configuration\":{\"resource_identifier\":\"urn:z\",\"audiences\":[\"z\"]}}", &r);
	CU_ASSERT_EQUAL(r.status, 400);
	ASSERT_STR(r.body, "{\"field\":\"name\",\"message\":\"Missing required field\",\"statusCode\":400,"
			   "\"name\":\"BadRequestError\"}");
	tc_resp_free(&r);
	tc_json("PUT", path, "{\"name\":\"n\",\"configuration\":{\"resource_identifier\":\"urn:z\",\"audiences\":[]}}", &r);
	CU_ASSERT_EQUAL(r.status, 422);
	ASSERT_STR(r.body, "{\"message\":\"Validation failed: Audiences can't be blank\",\"statusCode\":422,"
			   "\"name\":\"UnprocessableEntityError\"}");
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT version FROM servers WHERE id = $1", ids, NULL, NULL), 3);
	ASSERT_STR(tc_sql_text("SELECT resource_identifier FROM server_configurations WHERE server_id = $1", ids),
		   "urn:r");

	/* the same body again: a write (version, audit event), but the rows already stored are
	 * not written again (the same row versions) */
	char before[128];
	snprintf(before, sizeof(before), "%s", tc_sql_text("SELECT (SELECT ctid::text FROM server_configurations "
		 "WHERE server_id = $1) || (SELECT string_agg(ctid::text, '') FROM server_audiences WHERE server_id = $1)",
		 ids));
	long events = tc_sql_long("SELECT count(*) FROM audit_events WHERE object_id = $1", ids, NULL, NULL);
	tc_json("PUT", path, "{\"name\":\"n\",\"configuration\":{\"resource_identifier\":\"urn:r\","
		"\"audiences\":[\"https://example.com/contacts\"]}}", &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT version FROM servers WHERE id = $1", ids, NULL, NULL), 4);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM audit_events WHERE object_id = $1", ids, NULL, NULL), events + 1);
	ASSERT_STR(tc_sql_text("SELECT (SELECT ctid::text FROM server_configurations WHERE server_id = $1) || "
			       "(SELECT string_agg(ctid::text, '') FROM server_audiences WHERE server_id = $1)", ids),
		   before);
	/* a changed lifetime alone rewrites the configuration, not the audiences */
	tc_json("PUT", path, "{\"name\":\"n\",\"configuration\":{\"resource_identifier\":\"urn:r\","
		"\"audiences\":[\"https://example.com/contacts\"],\"access_token_expiration_minutes\":11}}", &r);
	CU_ASSERT_EQUAL(r.status, 200);
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT access_token_lifetime_minutes FROM server_configurations WHERE server_id = $1",
				    ids, NULL, NULL), 11);
	ASSERT_STR(tc_sql_text("SELECT string_agg(audience || '@' || position, ',' ORDER BY position) "
			       "FROM server_audiences WHERE server_id = $1", ids),
		   "https://example.com/contacts@0");
}

static void test_not_found(void)
{
	static const char *const paths[] = { BASE "/999999", BASE "/abc", BASE "/0", BASE "/-1",
					     BASE "/99999999999999999999" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		TC_EXPECT("GET", paths[i], NULL, 404, NOT_FOUND);
		TC_EXPECT("PUT", paths[i], SEED_BODY, 404, NOT_FOUND);
		TC_EXPECT("DELETE", paths[i], NULL, 404, NOT_FOUND);
	}
}

static void test_delete_cascades(void)
{
	struct http_resp r;
	char path[128], ids[32];
	long id = create("{\"name\":\"gone\",\"configuration\":{\"resource_identifier\":\"urn:g\","
			 "\"audiences\":[\"a\",\"b\",\"c\"]}}");
	CU_ASSERT_FATAL(id > 0);
	snprintf(path, sizeof(path), BASE "/%ld", id);
	snprintf(ids, sizeof(ids), "%ld", id);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM server_audiences WHERE server_id = $1", ids, NULL, NULL), 3);

	tc_call(NULL, "DELETE", path, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 204);
	CU_ASSERT_EQUAL(r.body_len, 0);
	tc_resp_free(&r);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT (SELECT count(*) FROM servers WHERE id = $1)"
				    " + (SELECT count(*) FROM server_configurations WHERE server_id = $1)"
				    " + (SELECT count(*) FROM server_audiences WHERE server_id = $1)"
				    " + (SELECT count(*) FROM server_grant_types WHERE server_id = $1)",
				    ids, NULL, NULL), 0);
	TC_EXPECT("DELETE", path, NULL, 404, NULL);
}

static void test_method_not_allowed(void)
{
	struct http_resp r;
	tc_json("PATCH", BASE "/1", "{}", &r);
	CU_ASSERT_EQUAL(r.status, 405);
	ASSERT_STR(tc_header(&r, "Allow"), "GET, PUT, DELETE");
	ASSERT_STR(r.body, "{\"message\":\"Method Not Allowed\",\"statusCode\":405,\"name\":\"MethodNotAllowedError\"}");
	tc_resp_free(&r);
	tc_call(NULL, "DELETE", BASE, NULL, NULL, NULL, &r);
	CU_ASSERT_EQUAL(r.status, 405);
	ASSERT_STR(tc_header(&r, "Allow"), "GET, POST");
	tc_resp_free(&r);
	TC_EXPECT("GET", "/api/2/nothing_here", NULL, 404, NOT_FOUND);
}

/* A write that fails inside the database (here a CHECK on the third table the statement
 * touches, reached only by bypassing validation) leaves no row in any table. */
static void test_failed_write_is_atomic(void)
{
	const char *aud[] = { "ok", " padded " };
	struct server s;
	server_init(&s);
	s.name = "atomic";
	s.resource_identifier = "urn:atomic";
	s.audiences = aud;
	s.naudiences = 2;
	struct db *db = db_open(getenv("AUTHZD_DATABASE_URL"));
	arena_t *a = arena_create(0);
	int64_t id = 0;
	struct caller caller = { .kind = CALLER_TOKEN, .need = ACCESS_MANAGE };
	crypto_sha256_str(tc_current_token(), caller.token_hash);
	long before = tc_sql_long(N_ALL, NULL, NULL, NULL);
	CU_ASSERT_EQUAL(db_server_insert(db, a, &caller, &s, &id), ST_INVALID);
	CU_ASSERT(caller.verified);
	CU_ASSERT_EQUAL(tc_sql_long(N_ALL, NULL, NULL, NULL), before);
	CU_ASSERT_EQUAL(tc_sql_long("SELECT count(*) FROM servers WHERE name = 'atomic'", NULL, NULL, NULL), 0);
	arena_destroy(a);
	db_close(db);
}

static void test_https(void)
{
	struct http_resp r;
	if (tc_https_url() == NULL) {
		CU_FAIL("AUTHZD_TEST_HTTPS_URL is not set");
		return;
	}
	CU_ASSERT_EQUAL_FATAL(tc_call(tc_https_url(), "POST", BASE, "application/json", SEED_BODY, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 201);
	tc_resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(tc_call(tc_https_url(), "GET", BASE "?name=contacts", NULL, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"name\":\"Contacts API\""));
	tc_resp_free(&r);
}

void suite_http_onelogin(void)
{
	static const struct test_case cases[] = {
		{ "create then get (seed body)", test_create_then_get },
		{ "defaults and unicode round trip", test_defaults_and_unicode },
		{ "list and name filter", test_list_and_filter },
		{ "422 lists every failing rule and stores nothing", test_validation_422_leaves_nothing },
		{ "400 for shape, syntax and content type", test_bad_requests_400 },
		{ "PUT replaces all attributes", test_update_replaces },
		{ "404 on every id route", test_not_found },
		{ "DELETE cascades to every table", test_delete_cascades },
		{ "405 with Allow, 404 for unknown paths", test_method_not_allowed },
		{ "a write failing in the database leaves no rows", test_failed_write_is_atomic },
		{ "https through nginx", test_https },
		{ NULL, NULL },
	};
	tests_add_suite("onelogin api_authorizations (http)", init, NULL, cases);
}

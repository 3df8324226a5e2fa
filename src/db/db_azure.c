/* SQL for the Azure dialect. Parameters $1/$2 are the caller's token (DB_AUTH_CTE),
 * $3..$5 the service triple, $6 the server name. Every result starts with the auth
 * columns, then a status or counts, then the server columns. */
#include "db/db_azure.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db/db_auth.h"

/* Configuration rows are joined with LATERAL ... LIMIT 1 so every plan, generic ones
 * included, looks them up by key instead of merge-joining the whole table. */
#include "log.h"

/* The caller's service: owned by the caller's tenant, matched case-insensitively. */
#define SVC_CTE \
	"svc AS (" \
	"  SELECT a.id, a.subscription_id, a.resource_group, a.service_name" \
	"  FROM azure_services a, ok WHERE a.tenant_id = ok.tenant_id" \
	"    AND lower(a.subscription_id) = lower($3) AND lower(a.resource_group) = lower($4)" \
	"    AND lower(a.service_name) = lower($5))"

#define LIST_OF(table) \
	"(SELECT coalesce(jsonb_agg(m.method ORDER BY m.position), '[]') FROM " table " m" \
	" WHERE m.server_id = s.id)::text"

#define SERVER_COLUMNS \
	"s.id, s.resource_name, s.name, s.description, s.version," \
	" svc.subscription_id, svc.resource_group, svc.service_name," \
	" c.client_registration_endpoint, c.authorization_endpoint, c.token_endpoint, c.client_id," \
	" c.default_scope, c.support_state, c.use_in_test_console, c.use_in_api_documentation," \
	" (SELECT coalesce(jsonb_agg(g.name ORDER BY sg.position, g.id), '[]') FROM server_grant_types sg" \
	"   JOIN grant_types g ON g.id = sg.grant_type_id WHERE sg.server_id = s.id)::text," \
	" " LIST_OF("server_authorization_methods") "," \
	" " LIST_OF("server_client_authentication_methods") "," \
	" " LIST_OF("server_bearer_token_sending_methods") "," \
	" (SELECT coalesce(jsonb_agg(jsonb_build_object('name', p.name, 'value', p.value) ORDER BY p.position), '[]')" \
	"   FROM server_token_body_parameters p WHERE p.server_id = s.id)::text"

enum { C_ID, C_RNAME, C_NAME, C_DESC, C_VERSION, C_SUB, C_RG, C_SVC, C_REG, C_AUTHZ, C_TOKEN,
       C_CLIENT, C_SCOPE, C_STATE, C_CONSOLE, C_DOCS, C_GRANTS, C_AMETHODS, C_CAMETHODS,
       C_BEARER, C_PARAMS };
/* auth (3) + two numbers (service found, total) before the server columns */
#define DATA0 (DB_AUTH_NCOLS + 2)

/* The audited document of a stored server, in the shape of PARAM_DOC. */
#define STORED_DOC \
	"jsonb_build_object('displayName', s.name, 'description', s.description," \
	" 'clientRegistrationEndpoint', c.client_registration_endpoint," \
	" 'authorizationEndpoint', c.authorization_endpoint, 'tokenEndpoint', c.token_endpoint," \
	" 'clientId', c.client_id, 'defaultScope', c.default_scope, 'supportState', c.support_state," \
	" 'useInTestConsole', c.use_in_test_console, 'useInApiDocumentation', c.use_in_api_documentation," \
	" 'grantTypes', (SELECT coalesce(jsonb_agg(g.name ORDER BY sg.position, g.id), '[]') FROM server_grant_types sg" \
	"   JOIN grant_types g ON g.id = sg.grant_type_id WHERE sg.server_id = s.id)," \
	" 'authorizationMethods', (SELECT coalesce(jsonb_agg(m.method ORDER BY m.position), '[]')" \
	"   FROM server_authorization_methods m WHERE m.server_id = s.id)," \
	" 'clientAuthenticationMethod', (SELECT coalesce(jsonb_agg(m.method ORDER BY m.position), '[]')" \
	"   FROM server_client_authentication_methods m WHERE m.server_id = s.id)," \
	" 'bearerTokenSendingMethods', (SELECT coalesce(jsonb_agg(m.method ORDER BY m.position), '[]')" \
	"   FROM server_bearer_token_sending_methods m WHERE m.server_id = s.id)," \
	" 'tokenBodyParameters', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', p.name, 'value', p.value)" \
	"   ORDER BY p.position), '[]') FROM server_token_body_parameters p WHERE p.server_id = s.id))"
#define PARAM_DOC \
	"jsonb_build_object('displayName', $9::text, 'description', $10::text," \
	" 'clientRegistrationEndpoint', $11::text, 'authorizationEndpoint', $12::text," \
	" 'tokenEndpoint', $13::text, 'clientId', $14::text, 'defaultScope', $15::text," \
	" 'supportState', $16::boolean, 'useInTestConsole', $17::boolean," \
	" 'useInApiDocumentation', $18::boolean, 'grantTypes', $19::jsonb," \
	" 'authorizationMethods', $20::jsonb, 'clientAuthenticationMethod', $21::jsonb," \
	" 'bearerTokenSendingMethods', $22::jsonb, 'tokenBodyParameters', $23::jsonb)"
#define DIFF(x, y) "(SELECT jsonb_object_agg(key, value) FROM jsonb_each(" x ") WHERE (" y ")->key IS DISTINCT FROM value)"

/* $6 filter, unpacked once per statement into arrays (flt), so each row costs a few array
 * comparisons: every (field, operator) clause must hold for all of its values. contains,
 * substringof, startswith and endswith become LIKE patterns with the value escaped. */
#define LIKE_ESC(v) "replace(replace(replace(lower(" v "), '\\', '\\\\'), '%', '\\%'), '_', '\\_')"
#define FLT_ARRAYS(key, p) \
	" ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($6::jsonb #> '{" key ",eq}') v) AS " p "eq," \
	" ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($6::jsonb #> '{" key ",ne}') v) AS " p "ne," \
	" ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($6::jsonb #> '{" key ",gt}') v) AS " p "gt," \
	" ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($6::jsonb #> '{" key ",lt}') v) AS " p "lt," \
	" ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($6::jsonb #> '{" key ",ge}') v) AS " p "ge," \
	" ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($6::jsonb #> '{" key ",le}') v) AS " p "le," \
	" ARRAY(SELECT '%' || " LIKE_ESC("v") " || '%' FROM jsonb_array_elements_text($6::jsonb #> '{" key ",contains}') v" \
	"   UNION ALL SELECT " LIKE_ESC("v") " || '%' FROM jsonb_array_elements_text($6::jsonb #> '{" key ",startswith}') v" \
	"   UNION ALL SELECT '%' || " LIKE_ESC("v") " FROM jsonb_array_elements_text($6::jsonb #> '{" key ",endswith}') v)" \
	"   AS " p "like"
#define FILTER_ON(col, p) \
	" AND lower(" col ") = ALL (flt." p "eq) AND lower(" col ") <> ALL (flt." p "ne)" \
	" AND lower(" col ") COLLATE \"C\" > ALL (flt." p "gt) AND lower(" col ") COLLATE \"C\" < ALL (flt." p "lt)" \
	" AND lower(" col ") COLLATE \"C\" >= ALL (flt." p "ge) AND lower(" col ") COLLATE \"C\" <= ALL (flt." p "le)" \
	" AND lower(" col ") LIKE ALL (flt." p "like)"

/* A page of servers, its lists aggregated once per list rather than once per row. */
#define PAGE_SELECT \
	" SELECT " DB_AUTH_COLUMNS ", (SELECT count(*) FROM svc), (SELECT count(*) FROM f), srv.*" \
	" FROM auth LEFT JOIN LATERAL (" \
	"  SELECT s.id, s.resource_name, s.name, s.description, s.version," \
	"   svc.subscription_id, svc.resource_group, svc.service_name," \
	"   c.client_registration_endpoint, c.authorization_endpoint, c.token_endpoint, c.client_id," \
	"   c.default_scope, c.support_state, c.use_in_test_console, c.use_in_api_documentation," \
	"   coalesce(gt.v, '[]')::text, coalesce(am.v, '[]')::text, coalesce(ca.v, '[]')::text," \
	"   coalesce(bt.v, '[]')::text, coalesce(tp.v, '[]')::text" \
	"  FROM page JOIN servers s ON s.id = page.id JOIN svc ON true" \
	"  JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true" \
	"  LEFT JOIN gt ON gt.server_id = s.id LEFT JOIN am ON am.server_id = s.id" \
	"  LEFT JOIN ca ON ca.server_id = s.id LEFT JOIN bt ON bt.server_id = s.id" \
	"  LEFT JOIN tp ON tp.server_id = s.id" \
	"  ORDER BY lower(s.resource_name) COLLATE \"C\", s.id) AS srv ON true"
#define PAGE_LISTS \
	", page AS (SELECT id FROM f ORDER BY lower(resource_name) COLLATE \"C\", id LIMIT $7 OFFSET $8)" \
	", gt AS (SELECT sg.server_id, jsonb_agg(g.name ORDER BY sg.position, g.id) AS v FROM page" \
	"   JOIN server_grant_types sg ON sg.server_id = page.id JOIN grant_types g ON g.id = sg.grant_type_id" \
	"   GROUP BY sg.server_id)" \
	", am AS (SELECT m.server_id, jsonb_agg(m.method ORDER BY m.position) AS v FROM page" \
	"   JOIN server_authorization_methods m ON m.server_id = page.id GROUP BY m.server_id)" \
	", ca AS (SELECT m.server_id, jsonb_agg(m.method ORDER BY m.position) AS v FROM page" \
	"   JOIN server_client_authentication_methods m ON m.server_id = page.id GROUP BY m.server_id)" \
	", bt AS (SELECT m.server_id, jsonb_agg(m.method ORDER BY m.position) AS v FROM page" \
	"   JOIN server_bearer_token_sending_methods m ON m.server_id = page.id GROUP BY m.server_id)" \
	", tp AS (SELECT p.server_id, jsonb_agg(jsonb_build_object('name', p.name, 'value', p.value)" \
	"   ORDER BY p.position) AS v FROM page JOIN server_token_body_parameters p ON p.server_id = page.id" \
	"   GROUP BY p.server_id)"

/* Replaces one ordered method list of every server in s with the JSON array $p. */
#define METHOD_LIST(cte, table, p) \
	cte "d AS (DELETE FROM " table " x USING s WHERE x.server_id = s.id" \
	"  AND x.method NOT IN (SELECT jsonb_array_elements_text(" p "::jsonb)))," \
	cte "i AS (INSERT INTO " table " (server_id, method, position)" \
	"  SELECT s.id, t.m, t.ord - 1 FROM s, jsonb_array_elements_text(" p "::jsonb) WITH ORDINALITY AS t(m, ord)" \
	"  ON CONFLICT (server_id, method) DO UPDATE SET position = excluded.position),"

enum { S_GET, S_LIST, S_LIST_FILTERED, S_SECRETS, S_PUT, S_DELETE };

const struct db_stmt db_azure_stmts[] = {
	[S_GET] = { "azure_get",
		"WITH " DB_AUTH_CTE ", " SVC_CTE
		" SELECT " DB_AUTH_COLUMNS ", (SELECT count(*) FROM svc), 0, srv.* FROM auth LEFT JOIN ("
		"  SELECT " SERVER_COLUMNS " FROM svc JOIN servers s ON s.azure_service_id = svc.id"
		"  JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true"
		"  WHERE lower(s.resource_name) = lower($6)) AS srv ON true", 6 },
	/* $6 (filter) is unused here but keeps both list statements' parameters alike */
	[S_LIST] = { "azure_list",
		"WITH " DB_AUTH_CTE ", " SVC_CTE ", f AS ("
		"  SELECT s.id, s.resource_name FROM svc JOIN servers s ON s.azure_service_id = svc.id"
		"  WHERE $6::jsonb IS NOT NULL)" PAGE_LISTS PAGE_SELECT, 8 },
	[S_LIST_FILTERED] = { "azure_list_filtered",
		"WITH " DB_AUTH_CTE ", " SVC_CTE ", flt AS (SELECT" FLT_ARRAYS("name", "n_") ","
		FLT_ARRAYS("displayName", "d_") "), f AS ("
		"  SELECT s.id, s.resource_name FROM svc JOIN servers s ON s.azure_service_id = svc.id, flt"
		"  WHERE true" FILTER_ON("s.resource_name", "n_") FILTER_ON("s.name", "d_") ")"
		PAGE_LISTS PAGE_SELECT, 8 },
	[S_SECRETS] = { "azure_secrets",
		"WITH " DB_AUTH_CTE ", " SVC_CTE
		" SELECT " DB_AUTH_COLUMNS ", (SELECT count(*) FROM svc), 0, srv.* FROM auth LEFT JOIN ("
		"  SELECT s.version, (SELECT coalesce(jsonb_agg(jsonb_build_object('name', x.name,"
		"      'key_id', x.key_id, 'ct', x.ciphertext::text)), '[]')"
		"    FROM server_secrets x WHERE x.server_id = s.id)::text"
		"  FROM svc JOIN servers s ON s.azure_service_id = svc.id"
		"  WHERE lower(s.resource_name) = lower($6)) AS srv ON true", 6 },
	/* $7 expected version (NULL none, -1 any), $8 may create, $9.. the server, $24 key id,
	 * $25..$27 sealed secrets (NULL keep, empty remove). */
	[S_PUT] = { "azure_put",
		"WITH " DB_AUTH_CTE ", svc_new AS ("
		"  INSERT INTO azure_services (tenant_id, subscription_id, resource_group, service_name)"
		"  SELECT tenant_id, $3, $4, $5 FROM ok WHERE $8::boolean AND $7::int IS NULL"
		"  ON CONFLICT DO NOTHING RETURNING id, subscription_id, resource_group, service_name"
		"), svc AS (SELECT a.id, a.subscription_id, a.resource_group, a.service_name"
		"  FROM azure_services a, ok WHERE a.tenant_id = ok.tenant_id"
		"    AND lower(a.subscription_id) = lower($3) AND lower(a.resource_group) = lower($4)"
		"    AND lower(a.service_name) = lower($5)"
		"  UNION ALL SELECT * FROM svc_new"
		"), old AS ("
		"  SELECT s.id, s.version, " STORED_DOC " AS doc"
		"  FROM svc JOIN servers s ON s.azure_service_id = svc.id"
		"  JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true"
		"  WHERE lower(s.resource_name) = lower($6) FOR UPDATE OF s"
		"), pre AS (SELECT CASE"
		"    WHEN NOT EXISTS (SELECT 1 FROM svc) THEN 404"
		"    WHEN NOT EXISTS (SELECT 1 FROM old) AND $7::int IS NOT NULL THEN 412"
		"    WHEN NOT EXISTS (SELECT 1 FROM old) AND NOT $8::boolean THEN 404"
		"    WHEN $7::int >= 0 AND (SELECT version FROM old) <> $7::int THEN 412"
		"    ELSE 200 END AS status"
		"), ins AS ("
		"  INSERT INTO servers (tenant_id, name, description, azure_service_id, resource_name)"
		"  SELECT ok.tenant_id, $9, $10, svc.id, $6 FROM ok, svc, pre"
		"  WHERE pre.status = 200 AND NOT EXISTS (SELECT 1 FROM old) RETURNING id, version, resource_name"
		"), upd AS ("
		"  UPDATE servers x SET name = $9, description = $10, version = x.version + 1,"
		"    updated_at = greatest(now(), x.created_at)"
		"  FROM pre WHERE x.id = (SELECT id FROM old) AND pre.status = 200"
		"  RETURNING x.id, x.version, x.resource_name"
		"), s AS (SELECT id, version, resource_name, true AS created FROM ins"
		"  UNION ALL SELECT id, version, resource_name, false FROM upd"
		"), c AS ("
		"  INSERT INTO server_configurations (server_id, client_registration_endpoint, authorization_endpoint,"
		"    token_endpoint, client_id, default_scope, support_state, use_in_test_console, use_in_api_documentation)"
		"  SELECT s.id, $11, $12, $13, $14, $15, $16, $17, $18 FROM s"
		"  ON CONFLICT (server_id) DO UPDATE SET"
		"    client_registration_endpoint = excluded.client_registration_endpoint,"
		"    authorization_endpoint = excluded.authorization_endpoint, token_endpoint = excluded.token_endpoint,"
		"    client_id = excluded.client_id, default_scope = excluded.default_scope,"
		"    support_state = excluded.support_state, use_in_test_console = excluded.use_in_test_console,"
		"    use_in_api_documentation = excluded.use_in_api_documentation"
		"), gd AS (DELETE FROM server_grant_types x USING s WHERE x.server_id = s.id"
		"  AND x.grant_type_id NOT IN (SELECT g.id FROM grant_types g"
		"    WHERE g.name IN (SELECT jsonb_array_elements_text($19::jsonb))))"
		", gi AS (INSERT INTO server_grant_types (server_id, grant_type_id, position)"
		"  SELECT s.id, g.id, t.ord - 1 FROM s, jsonb_array_elements_text($19::jsonb) WITH ORDINALITY AS t(n, ord)"
		"  JOIN grant_types g ON g.name = t.n"
		"  ON CONFLICT (server_id, grant_type_id) DO UPDATE SET position = excluded.position), "
		METHOD_LIST("am", "server_authorization_methods", "$20")
		METHOD_LIST("ca", "server_client_authentication_methods", "$21")
		METHOD_LIST("bt", "server_bearer_token_sending_methods", "$22")
		" td AS (DELETE FROM server_token_body_parameters x USING s WHERE x.server_id = s.id"
		"  AND x.name NOT IN (SELECT p->>'name' FROM jsonb_array_elements($23::jsonb) p)"
		"), ti AS (INSERT INTO server_token_body_parameters (server_id, name, value, position)"
		"  SELECT s.id, p.v->>'name', p.v->>'value', p.ord - 1"
		"  FROM s, jsonb_array_elements($23::jsonb) WITH ORDINALITY AS p(v, ord)"
		"  ON CONFLICT (server_id, name) DO UPDATE SET value = excluded.value, position = excluded.position"
		"), sec AS (SELECT n, ct FROM (VALUES ('client_secret', $25::bytea),"
		"    ('resource_owner_username', $26::bytea), ('resource_owner_password', $27::bytea)) AS v(n, ct)"
		"  WHERE ct IS NOT NULL"
		"), xd AS (DELETE FROM server_secrets x USING s, sec"
		"  WHERE x.server_id = s.id AND x.name = sec.n AND length(sec.ct) = 0"
		"), xi AS (INSERT INTO server_secrets (server_id, name, key_id, ciphertext)"
		"  SELECT s.id, sec.n, $24, sec.ct FROM s, sec WHERE length(sec.ct) > 0"
		"  ON CONFLICT (server_id, name) DO UPDATE SET key_id = excluded.key_id,"
		"    ciphertext = excluded.ciphertext, updated_at = now()"
		"), ev AS ("
		"  INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, before, after)"
		"  SELECT ok.tenant_id, ok.credential_id,"
		"    CASE WHEN s.created THEN 'server.create' ELSE 'server.update' END, 'server', s.id::text,"
		"    CASE WHEN s.created THEN NULL ELSE " DIFF("(SELECT doc FROM old)", PARAM_DOC) " END,"
		"    CASE WHEN s.created THEN " PARAM_DOC " ELSE " DIFF(PARAM_DOC, "(SELECT doc FROM old)") " END"
		"      || CASE WHEN EXISTS (SELECT 1 FROM sec) THEN jsonb_build_object('secretsChanged',"
		"           (SELECT jsonb_agg(n ORDER BY n) FROM sec)) ELSE '{}' END"
		"  FROM s, ok"
		") SELECT " DB_AUTH_COLUMNS ", pre.status, s.id, s.version, s.created, s.resource_name,"
		"  v.subscription_id, v.resource_group, v.service_name"
		" FROM auth LEFT JOIN pre ON true LEFT JOIN s ON true"
		" LEFT JOIN (SELECT * FROM svc LIMIT 1) AS v ON true", 27 },
	[S_DELETE] = { "azure_delete",
		"WITH " DB_AUTH_CTE ", " SVC_CTE ", old AS ("
		"  SELECT s.id, s.version, " STORED_DOC " AS doc"
		"  FROM svc JOIN servers s ON s.azure_service_id = svc.id"
		"  JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true"
		"  WHERE lower(s.resource_name) = lower($6) FOR UPDATE OF s"
		"), pre AS (SELECT CASE"
		"    WHEN NOT EXISTS (SELECT 1 FROM svc) THEN 404"
		"    WHEN NOT EXISTS (SELECT 1 FROM old) THEN 204"
		"    WHEN $7::int >= 0 AND (SELECT version FROM old) <> $7::int THEN 412"
		"    ELSE 200 END AS status"
		"), d AS (DELETE FROM servers x USING pre WHERE x.id = (SELECT id FROM old) AND pre.status = 200"
		"  RETURNING x.id"
		"), ev AS ("
		"  INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, before)"
		"  SELECT ok.tenant_id, ok.credential_id, 'server.delete', 'server', d.id::text, old.doc"
		"  FROM d, ok, old"
		") SELECT " DB_AUTH_COLUMNS ", pre.status FROM auth LEFT JOIN pre ON true", 7 },
	{ NULL, NULL, 0 },
};

static int parse_list(arena_t *a, const char *text, struct strlist *out)
{
	json_t *arr = json_loads(text, 0, NULL);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return -1;
	}
	out->n = json_array_size(arr);
	out->items = arena_alloc(a, (out->n ? out->n : 1) * sizeof(char *));
	for (size_t i = 0; i < out->n; i++)
		out->items[i] = arena_strdup(a, json_string_value(json_array_get(arr, i)));
	json_decref(arr);
	return 0;
}

static int parse_params(arena_t *a, const char *text, struct server *s)
{
	json_t *arr = json_loads(text, 0, NULL);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return -1;
	}
	s->ntoken_body_params = json_array_size(arr);
	s->token_body_params = arena_alloc(a, (s->ntoken_body_params ? s->ntoken_body_params : 1) *
						 sizeof(struct token_body_param));
	for (size_t i = 0; i < s->ntoken_body_params; i++) {
		json_t *p = json_array_get(arr, i);
		s->token_body_params[i].name = arena_strdup(a, json_string_value(json_object_get(p, "name")));
		s->token_body_params[i].value = arena_strdup(a, json_string_value(json_object_get(p, "value")));
	}
	json_decref(arr);
	return 0;
}

static status_t row_to_server(arena_t *a, PGresult *res, int i, struct azure_server *out)
{
	struct server *s = &out->s;
	const int o = DATA0;
	server_init(s);
	s->id = strtoll(PQgetvalue(res, i, o + C_ID), NULL, 10);
	s->resource_name = PQgetvalue(res, i, o + C_RNAME);
	s->name = PQgetvalue(res, i, o + C_NAME);
	s->description = db_text_or_null(res, i, o + C_DESC);
	s->version = atoi(PQgetvalue(res, i, o + C_VERSION));
	out->svc_subscription_id = PQgetvalue(res, i, o + C_SUB);
	out->svc_resource_group = PQgetvalue(res, i, o + C_RG);
	out->svc_service_name = PQgetvalue(res, i, o + C_SVC);
	s->client_registration_endpoint = db_text_or_null(res, i, o + C_REG);
	s->authorization_endpoint = db_text_or_null(res, i, o + C_AUTHZ);
	s->token_endpoint = db_text_or_null(res, i, o + C_TOKEN);
	s->client_id = db_text_or_null(res, i, o + C_CLIENT);
	s->default_scope = db_text_or_null(res, i, o + C_SCOPE);
	s->support_state = PQgetvalue(res, i, o + C_STATE)[0] == 't';
	s->use_in_test_console = PQgetvalue(res, i, o + C_CONSOLE)[0] == 't';
	s->use_in_api_documentation = PQgetvalue(res, i, o + C_DOCS)[0] == 't';
	if (parse_list(a, PQgetvalue(res, i, o + C_GRANTS), &s->grant_types) != 0 ||
	    parse_list(a, PQgetvalue(res, i, o + C_AMETHODS), &s->authorization_methods) != 0 ||
	    parse_list(a, PQgetvalue(res, i, o + C_CAMETHODS), &s->client_authentication_methods) != 0 ||
	    parse_list(a, PQgetvalue(res, i, o + C_BEARER), &s->bearer_token_sending_methods) != 0 ||
	    parse_params(a, PQgetvalue(res, i, o + C_PARAMS), s) != 0) {
		log_error("db: azure server %lld: malformed list column", (long long)s->id);
		return ST_INTERNAL;
	}
	return ST_OK;
}

/* Auth, then "does the caller own the service", then "is there a row". */
static status_t read_result(PGresult *res, struct auth *auth)
{
	status_t st = db_auth_result(res, auth);
	if (st != ST_OK)
		return st;
	if (atoi(PQgetvalue(res, 0, DB_AUTH_NCOLS)) == 0)
		return ST_NOT_FOUND;
	return PQgetisnull(res, 0, DATA0) ? ST_NOT_FOUND : ST_OK;
}

status_t db_azure_get(struct db *db, arena_t *a, struct auth *auth, const struct azure_service *svc,
		      const char *name, struct azure_server *out)
{
	status_t st;
	const char *p[6] = { auth->token_hash, auth->scopes, svc->subscription_id,
			     svc->resource_group, svc->service_name, name };
	PGresult *res = db_exec(db, a, &db_azure_stmts[S_GET], p, &st, NULL);
	if (res == NULL)
		return st;
	if ((st = read_result(res, auth)) != ST_OK)
		return st;
	return row_to_server(a, res, 0, out);
}

status_t db_azure_list(struct db *db, arena_t *a, struct auth *auth, const struct azure_service *svc,
		       const char *filter_json, int top, int skip, struct azure_server **out,
		       size_t *n, long *total)
{
	status_t st;
	const char *p[8] = { auth->token_hash, auth->scopes, svc->subscription_id, svc->resource_group,
			     svc->service_name, filter_json ? filter_json : "{}", db_i64(a, top), db_i64(a, skip) };
	PGresult *res = db_exec(db, a, &db_azure_stmts[filter_json ? S_LIST_FILTERED : S_LIST], p, &st, NULL);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	if (atoi(PQgetvalue(res, 0, DB_AUTH_NCOLS)) == 0)
		return ST_NOT_FOUND;
	*total = atol(PQgetvalue(res, 0, DB_AUTH_NCOLS + 1));
	int rows = PQntuples(res);
	*out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(**out));
	*n = 0;
	for (int i = 0; i < rows; i++) {
		if (PQgetisnull(res, i, DATA0))
			continue;
		if ((st = row_to_server(a, res, i, &(*out)[*n])) != ST_OK)
			return st;
		(*n)++;
	}
	return ST_OK;
}

status_t db_azure_secrets(struct db *db, arena_t *a, struct auth *auth, const struct azure_service *svc,
			  const char *name, const char **secrets_json, int *version)
{
	status_t st;
	const char *p[6] = { auth->token_hash, auth->scopes, svc->subscription_id,
			     svc->resource_group, svc->service_name, name };
	PGresult *res = db_exec(db, a, &db_azure_stmts[S_SECRETS], p, &st, NULL);
	if (res == NULL)
		return st;
	if ((st = read_result(res, auth)) != ST_OK)
		return st;
	*version = atoi(PQgetvalue(res, 0, DATA0));
	*secrets_json = PQgetvalue(res, 0, DATA0 + 1);
	return ST_OK;
}

static const char *strlist_json(arena_t *a, const struct strlist *l)
{
	return db_strings_json(a, l->items, l->n);
}

static status_t precondition(int status)
{
	return status == 404 ? ST_NOT_FOUND : status == 412 ? ST_PRECONDITION_FAILED : ST_OK;
}

status_t db_azure_put(struct db *db, arena_t *a, struct auth *auth, const struct azure_service *svc,
		      const struct server *s, int expected_version, int create, const char *key_id,
		      const char *sealed[3], struct azure_written *out)
{
	status_t st;
	json_t *params = json_array();
	for (size_t i = 0; i < s->ntoken_body_params; i++)
		json_array_append_new(params, json_pack("{s:s,s:s}", "name", s->token_body_params[i].name,
							"value", s->token_body_params[i].value));
	const char *p[27] = {
		auth->token_hash, auth->scopes, svc->subscription_id, svc->resource_group,
		svc->service_name, s->resource_name,
		expected_version == DB_AZURE_NO_PRECONDITION ? NULL : db_i64(a, expected_version),
		create ? "true" : "false",
		s->name, s->description, s->client_registration_endpoint, s->authorization_endpoint,
		s->token_endpoint, s->client_id, s->default_scope,
		s->support_state ? "true" : "false", s->use_in_test_console ? "true" : "false",
		s->use_in_api_documentation ? "true" : "false",
		strlist_json(a, &s->grant_types), strlist_json(a, &s->authorization_methods),
		strlist_json(a, &s->client_authentication_methods),
		strlist_json(a, &s->bearer_token_sending_methods), db_json_text(a, params),
		key_id, sealed[0], sealed[1], sealed[2],
	};
	PGresult *res = db_exec(db, a, &db_azure_stmts[S_PUT], p, &st, NULL);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	if ((st = precondition(atoi(PQgetvalue(res, 0, DB_AUTH_NCOLS)))) != ST_OK)
		return st;
	if (PQgetisnull(res, 0, DB_AUTH_NCOLS + 1))
		return ST_INTERNAL;
	const int o = DB_AUTH_NCOLS;
	out->version = atoi(PQgetvalue(res, 0, o + 2));
	out->created = PQgetvalue(res, 0, o + 3)[0] == 't';
	out->name = PQgetvalue(res, 0, o + 4);
	out->svc.subscription_id = PQgetvalue(res, 0, o + 5);
	out->svc.resource_group = PQgetvalue(res, 0, o + 6);
	out->svc.service_name = PQgetvalue(res, 0, o + 7);
	return ST_OK;
}

status_t db_azure_delete(struct db *db, arena_t *a, struct auth *auth, const struct azure_service *svc,
			 const char *name, int expected_version, int *deleted)
{
	status_t st;
	const char *p[7] = { auth->token_hash, auth->scopes, svc->subscription_id,
			     svc->resource_group, svc->service_name, name, db_i64(a, expected_version) };
	PGresult *res = db_exec(db, a, &db_azure_stmts[S_DELETE], p, &st, NULL);
	if (res == NULL)
		return st;
	if ((st = db_auth_result(res, auth)) != ST_OK)
		return st;
	int status = atoi(PQgetvalue(res, 0, DB_AUTH_NCOLS));
	*deleted = status == 200;
	return status == 204 ? ST_OK : precondition(status);
}

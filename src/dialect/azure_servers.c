/* Azure authorizationServers handlers: ListByService, GetEntityTag/Get, CreateOrUpdate,
 * Update (PATCH: read, merge, validate, write guarded by the version read), Delete and
 * listSecrets. Secrets are sealed here and never leave except through listSecrets. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auth/secretbox.h"
#include "db/db_azure.h"
#include "dialect/azure.h"
#include "jsonx.h"
#include "log.h"
#include "service.h"

#define AZURE_TOP_DEFAULT 100
#define AZURE_TOP_MAX 1000
#define PATCH_RETRIES 3

static const char *const api_versions[] = { "2022-08-01", NULL };

/* api-version, then the path: subscription, resource group, service (and name). */
static status_t parse_target(struct request *r, struct azure_service *svc, const char **name)
{
	const char *v = http_query_get(r, "api-version");
	if (v == NULL || v[0] == '\0')
		return error_set(&r->err, ST_BAD_REQUEST, "MissingApiVersionParameter",
				 "The api-version query parameter (?api-version=) is required for all requests.");
	int known = 0;
	for (const char *const *k = api_versions; *k != NULL; k++)
		known |= strcmp(*k, v) == 0;
	if (!known)
		return error_set(&r->err, ST_BAD_REQUEST, "InvalidApiVersionParameter",
				 arena_sprintf(r->arena, "The api-version '%s' is invalid. The supported "
							 "versions are '2022-08-01'.", v));
	svc->subscription_id = r->params[0];
	svc->resource_group = r->params[1];
	svc->service_name = r->params[2];
	size_t before = r->err.ndetails;
	if (strlen(svc->subscription_id) > 100)
		error_add(&r->err, "subscriptionId", "must be at most 100 characters long");
	size_t rglen = strlen(svc->resource_group);
	if (rglen > 90 || svc->resource_group[rglen - 1] == '.')
		error_add(&r->err, "resourceGroupName", "must be 1 to 90 characters, not ending in '.'");
	const char *sn = svc->service_name;
	size_t snlen = strlen(sn);
	int sn_ok = snlen <= 50 && isalpha((unsigned char)sn[0]) && isalnum((unsigned char)sn[snlen - 1]);
	for (size_t i = 0; sn_ok && i < snlen; i++)
		sn_ok = isalnum((unsigned char)sn[i]) || sn[i] == '-';
	if (!sn_ok)
		error_add(&r->err, "serviceName", "must match ^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$ "
						  "and be at most 50 characters long");
	if (name != NULL) {
		*name = r->params[3];
		if (!model_is_resource_name(*name))
			error_add(&r->err, "authsid", "must be 1 to 80 characters and match ^[^*#&+:<>?]+$");
	}
	if (r->err.ndetails > before)
		return error_set(&r->err, ST_INVALID, NULL, NULL);
	return ST_OK;
}

static status_t reply_server(struct request *r, int code, const struct server *s, const char *sub,
			     const char *rg, const char *svc)
{
	http_reply_header(r, "ETag", azure_etag(r->arena, s->version));
	http_reply_json(r, code, azure_server_to_json(r->arena, s, sub, rg, svc));
	return ST_OK;
}

status_t azure_server_get(struct request *r)
{
	struct azure_service svc;
	struct azure_server out;
	const char *name;
	status_t st = parse_target(r, &svc, &name);
	if (st != ST_OK)
		return st;
	st = db_azure_get(r->svc->db, r->arena, &r->auth, &svc, name, &out);
	if (st != ST_OK)
		return st;
	return reply_server(r, 200, &out.s, out.svc_subscription_id, out.svc_resource_group,
			    out.svc_service_name);
}

static status_t parse_int_param(struct request *r, const char *key, int min, int dflt, int *out)
{
	const char *v = http_query_get(r, key);
	*out = dflt;
	if (v == NULL)
		return ST_OK;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > 1000000000L) {
		error_add(&r->err, key, arena_sprintf(r->arena, "must be an integer of at least %d", min));
		return error_set(&r->err, ST_INVALID, NULL, NULL);
	}
	*out = (int)n;
	return ST_OK;
}

/* Percent-encodes a query value. */
static const char *qenc(arena_t *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) * 3 + 1), *o = out;
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

status_t azure_server_list(struct request *r)
{
	struct azure_service svc;
	status_t st = parse_target(r, &svc, NULL);
	if (st != ST_OK)
		return st;
	int top, skip;
	if ((st = parse_int_param(r, "$top", 1, AZURE_TOP_DEFAULT, &top)) != ST_OK ||
	    (st = parse_int_param(r, "$skip", 0, 0, &skip)) != ST_OK)
		return st;
	if (top > AZURE_TOP_MAX)
		top = AZURE_TOP_MAX;
	const char *filter = http_query_get(r, "$filter"), *filter_json = NULL, *ferr = NULL;
	if (filter != NULL && filter[0] != '\0') {
		filter_json = azure_filter_parse(r->arena, filter, &ferr);
		if (filter_json == NULL) {
			error_add(&r->err, "$filter", ferr);
			return error_set(&r->err, ST_INVALID, NULL, NULL);
		}
	}
	struct azure_server *list;
	size_t n;
	long total;
	st = db_azure_list(r->svc->db, r->arena, &r->auth, &svc, filter_json, top, skip, &list, &n, &total);
	if (st != ST_OK)
		return st;
	json_t *value = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(value, azure_server_to_json(r->arena, &list[i].s, list[i].svc_subscription_id,
								  list[i].svc_resource_group,
								  list[i].svc_service_name));
	json_t *body = json_object();
	json_object_set_new(body, "value", value);
	json_object_set_new(body, "count", json_integer(total));
	if ((long)skip + (long)n < total) {
		json_object_set_new(body, "nextLink", json_string(arena_sprintf(r->arena,
			"https://%s%s?api-version=%s%s%s&$top=%d&$skip=%d", r->host, r->path,
			http_query_get(r, "api-version"), filter_json ? "&$filter=" : "",
			filter_json ? qenc(r->arena, filter) : "", top, skip + (int)n)));
	}
	http_reply_json(r, 200, body);
	return ST_OK;
}

/* Additional data a sealed secret is bound to: it opens only as the same secret of the
 * same server (names lowercased: Azure names are case-insensitive). */
static const char *secret_aad(arena_t *a, const struct azure_service *svc, const char *name,
			      const char *column)
{
	char *aad = arena_sprintf(a, "%s/%s/%s/%s/%s", svc->subscription_id, svc->resource_group,
				  svc->service_name, name, column);
	for (char *p = aad; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return aad;
}

/* Seals each secret given; "\x" removes one given empty or null; NULL leaves it alone. */
static status_t seal_secrets(struct request *r, const struct azure_service *svc, const char *name,
			     const struct server *s, int given, int put, const char *sealed[3],
			     const char **key_id)
{
	const char *values[3] = { s->client_secret, s->resource_owner_username, s->resource_owner_password };
	static const char *const names[3] = { "client_secret", "resource_owner_username",
					      "resource_owner_password" };
	static const int bits[3] = { AZURE_SECRET_CLIENT, AZURE_SECRET_USERNAME, AZURE_SECRET_PASSWORD };
	*key_id = "0000000000000000";
	for (int i = 0; i < 3; i++) {
		sealed[i] = NULL;
		if (!(given & bits[i])) {
			if (put)
				sealed[i] = "\\x";     /* PUT replaces the whole entity */
			continue;
		}
		if (values[i] == NULL || values[i][0] == '\0') {
			sealed[i] = "\\x";
			continue;
		}
		sealed[i] = secretbox_seal(r->arena, values[i], secret_aad(r->arena, svc, name, names[i]),
					   key_id);
		if (sealed[i] == NULL) {
			log_error("azure: cannot seal a secret: no secret_key_file loaded");
			return error_set(&r->err, ST_INTERNAL, NULL, NULL);
		}
	}
	return ST_OK;
}

static status_t write_and_reply(struct request *r, const struct azure_service *svc, const char *name,
				struct server *s, int given, int expected, int create)
{
	const char *sealed[3], *key_id;
	struct azure_written w;
	status_t st = seal_secrets(r, svc, name, s, given, create, sealed, &key_id);
	if (st != ST_OK)
		return st;
	st = db_azure_put(r->svc->db, r->arena, &r->auth, svc, s, expected, create, key_id, sealed, &w);
	if (st != ST_OK)
		return st;
	/* The body is what was validated and stored, under the stored spellings: no re-read. */
	s->version = w.version;
	s->resource_name = w.name;
	return reply_server(r, w.created ? 201 : 200, s, w.svc.subscription_id, w.svc.resource_group,
			    w.svc.service_name);
}

status_t azure_server_put(struct request *r)
{
	struct azure_service svc;
	const char *name;
	json_t *body;
	int given;
	status_t st = parse_target(r, &svc, &name);
	if (st != ST_OK)
		return st;
	if ((st = http_body_json(r, &body)) != ST_OK) {
		r->err.field = "InvalidRequestContent";
		return st;
	}
	struct server s;
	server_init(&s);
	s.use_in_test_console = 1;
	s.resource_name = name;
	if ((st = azure_server_from_json(r, body, &s, &given)) != ST_OK)
		return st;
	if (s.authorization_methods.n == 0) {
		static const char *get[] = { "GET" };
		s.authorization_methods.items = get;
		s.authorization_methods.n = 1;
	}
	if ((st = server_validate_oauth(&s, &r->err)) != ST_OK)
		return st;
	return write_and_reply(r, &svc, name, &s, given, azure_if_match(r->if_match), 1);
}

static status_t require_if_match(struct request *r, int *expected)
{
	*expected = azure_if_match(r->if_match);
	if (*expected == DB_AZURE_NO_PRECONDITION)
		return error_set(&r->err, ST_BAD_REQUEST, "IfMatchHeaderRequired",
				 "The If-Match header is required for this operation.");
	return ST_OK;
}

status_t azure_server_patch(struct request *r)
{
	struct azure_service svc;
	const char *name;
	json_t *body;
	int expected, given;
	status_t st = parse_target(r, &svc, &name);
	if (st != ST_OK || (st = require_if_match(r, &expected)) != ST_OK)
		return st;
	if ((st = http_body_json(r, &body)) != ST_OK) {
		r->err.field = "InvalidRequestContent";
		return st;
	}
	/* Read, merge, validate the result, write only if nobody wrote in between. With
	 * If-Match: * a concurrent write is merged again rather than refused. */
	for (int attempt = 0; attempt < PATCH_RETRIES; attempt++) {
		struct azure_server cur;
		st = db_azure_get(r->svc->db, r->arena, &r->auth, &svc, name, &cur);
		if (st != ST_OK)
			return st;
		if (expected != DB_AZURE_ANY_VERSION && expected != cur.s.version)
			return error_set(&r->err, ST_PRECONDITION_FAILED, NULL, NULL);
		r->err.ndetails = 0;
		if ((st = azure_server_from_json(r, body, &cur.s, &given)) != ST_OK)
			return st;
		if ((st = server_validate_oauth(&cur.s, &r->err)) != ST_OK)
			return st;
		st = write_and_reply(r, &svc, name, &cur.s, given, cur.s.version, 0);
		if (st != ST_PRECONDITION_FAILED || expected != DB_AZURE_ANY_VERSION)
			return st;
		r->resp.headers_len = 0;
	}
	return error_set(&r->err, ST_CONFLICT, NULL, NULL);
}

status_t azure_server_delete(struct request *r)
{
	struct azure_service svc;
	const char *name;
	int expected, deleted = 0;
	status_t st = parse_target(r, &svc, &name);
	if (st != ST_OK || (st = require_if_match(r, &expected)) != ST_OK)
		return st;
	st = db_azure_delete(r->svc->db, r->arena, &r->auth, &svc, name, expected, &deleted);
	if (st != ST_OK)
		return st;
	http_reply_empty(r, deleted ? 200 : 204);
	return ST_OK;
}

status_t azure_server_list_secrets(struct request *r)
{
	struct azure_service svc;
	const char *name, *secrets_json;
	int version;
	status_t st = parse_target(r, &svc, &name);
	if (st != ST_OK)
		return st;
	st = db_azure_secrets(r->svc->db, r->arena, &r->auth, &svc, name, &secrets_json, &version);
	if (st != ST_OK)
		return st;
	json_t *rows = jsonx_arena_own(r->arena, json_loads(secrets_json, 0, NULL));
	json_t *body = json_object();
	static const struct {
		const char *column, *property;
	} map[] = {
		{ "client_secret", "clientSecret" },
		{ "resource_owner_username", "resourceOwnerUsername" },
		{ "resource_owner_password", "resourceOwnerPassword" },
	};
	for (size_t k = 0; k < 3; k++) {
		for (size_t i = 0; i < json_array_size(rows); i++) {
			json_t *row = json_array_get(rows, i);
			if (strcmp(json_string_value(json_object_get(row, "name")), map[k].column) != 0)
				continue;
			const char *aad = secret_aad(r->arena, &svc, name, map[k].column);
			const char *plain = secretbox_open(r->arena, json_string_value(json_object_get(row, "ct")),
							   json_string_value(json_object_get(row, "key_id")), aad);
			if (plain == NULL) {
				log_error("azure: a stored secret does not open (key %s missing or data altered)",
					  json_string_value(json_object_get(row, "key_id")));
				json_decref(body);
				return error_set(&r->err, ST_INTERNAL, NULL, NULL);
			}
			json_object_set_new(body, map[k].property, json_string(plain));
		}
	}
	http_reply_header(r, "ETag", azure_etag(r->arena, version));
	http_reply_json(r, 200, body);
	return ST_OK;
}

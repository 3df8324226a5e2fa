/* Azure authorizationServers handlers: ListByService, GetEntityTag/Get, CreateOrUpdate,
 * Update (PATCH: read under the row lock, merge, validate, write back), Delete and
 * listSecrets. Secrets are sealed here and never leave except through listSecrets. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "core/service.h"
#include "core/utf8.h"
#include "db/db_azure.h"
#include "dialect/azure.h"

#define AZURE_TOP_DEFAULT 100
#define AZURE_TOP_MAX 1000

static const char *const api_versions[] = { "2022-08-01", NULL };

static status_t check_api_version(struct request *r)
{
	const char *v = http_query_get(r, "api-version");
	if (v == NULL || v[0] == '\0')
		return error_set(&r->err, ST_BAD_REQUEST, "MissingApiVersionParameter",
				 "The api-version query parameter (?api-version=) is required for all requests.");
	for (const char *const *k = api_versions; *k != NULL; k++)
		if (strcmp(*k, v) == 0)
			return ST_OK;
	return error_set(&r->err, ST_BAD_REQUEST, "InvalidApiVersionParameter",
			 arena_sprintf(r->arena, "The api-version '%s' is invalid. The supported "
						 "versions are '2022-08-01'.", v));
}

static int is_service_name(const char *sn)
{
	size_t n = strlen(sn);
	if (n == 0 || n > 50 || !isalpha((unsigned char)sn[0]) || !isalnum((unsigned char)sn[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)sn[i]) && sn[i] != '-')
			return 0;
	return 1;
}

/* api-version, then the path: subscription, resource group, service (and name). */
static status_t parse_target(struct request *r, struct azure_service *svc, const char **name)
{
	status_t st = check_api_version(r);
	if (st != ST_OK)
		return st;
	svc->subscription_id = r->params[0];
	svc->resource_group = r->params[1];
	svc->service_name = r->params[2];
	size_t before = r->err.ndetails;
	if (utf8_chars(svc->subscription_id) > 100)
		error_add_message(&r->err, "subscriptionId", "must be at most 100 characters long");
	size_t rglen = strlen(svc->resource_group);
	if (utf8_chars(svc->resource_group) > 90 || svc->resource_group[rglen - 1] == '.')
		error_add_message(&r->err, "resourceGroupName", "must be 1 to 90 characters, not ending in '.'");
	if (!is_service_name(svc->service_name))
		error_add_message(&r->err, "serviceName", "must match ^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$ "
							 "and be at most 50 characters long");
	if (name != NULL) {
		*name = r->params[3];
		if (!model_is_resource_name(*name))
			error_add_message(&r->err, "authsid", "must be 1 to 80 characters and match ^[^*#&+:<>?]+$");
	}
	return error_verdict(&r->err, before);
}

static status_t reply_server(struct request *r, int code, const struct server *s, const struct azure_service *svc)
{
	http_reply_header(r, "ETag", azure_etag(r->arena, s->version));
	http_reply_json(r, code, azure_server_to_json(r->arena, s, svc));
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
	st = db_azure_get(r->svc->db, r->arena, &r->caller, &svc, name, &out);
	if (st != ST_OK)
		return st;
	return reply_server(r, 200, &out.s, &out.svc);
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
		error_add_message(&r->err, key, arena_sprintf(r->arena, "must be an integer of at least %d", min));
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

/* The next page's absolute link: the configured public URL, never the request's Host. */
static const char *next_link(struct request *r, const char *filter, int top, int skip)
{
	return arena_sprintf(r->arena, "%s%s?api-version=%s%s%s&$top=%d&$skip=%d", r->svc->cfg->public_url,
			     r->path, http_query_get(r, "api-version"), filter ? "&$filter=" : "",
			     filter ? qenc(r->arena, filter) : "", top, skip);
}

status_t azure_server_list(struct request *r)
{
	struct azure_service svc;
	struct azure_filter filter;
	status_t st = parse_target(r, &svc, NULL);
	if (st != ST_OK)
		return st;
	int top, skip;
	if ((st = parse_int_param(r, "$top", 1, AZURE_TOP_DEFAULT, &top)) != ST_OK ||
	    (st = parse_int_param(r, "$skip", 0, 0, &skip)) != ST_OK)
		return st;
	if (top > AZURE_TOP_MAX)
		top = AZURE_TOP_MAX;
	const char *text = http_query_get(r, "$filter"), *ferr = NULL;
	if (text != NULL && text[0] == '\0')
		text = NULL;
	if (text != NULL && azure_filter_parse(r->arena, text, &filter, &ferr) != 0) {
		error_add_message(&r->err, "$filter", ferr);
		return error_set(&r->err, ST_INVALID, NULL, NULL);
	}
	struct azure_server *list;
	size_t n;
	long total;
	st = db_azure_list(r->svc->db, r->arena, &r->caller, &svc, text ? &filter : NULL, top, skip, &list, &n, &total);
	if (st != ST_OK)
		return st;
	json_t *value = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(value, azure_server_to_json(r->arena, &list[i].s, &list[i].svc));
	json_t *body = json_object();
	json_object_set_new(body, "value", value);
	json_object_set_new(body, "count", json_integer(total));
	if ((long)skip + (long)n < total)
		json_object_set_new(body, "nextLink", json_string(next_link(r, text, top, skip + (int)n)));
	http_reply_json(r, 200, body);
	return ST_OK;
}

/* Additional data a sealed secret is bound to: it opens only as the same secret of the
 * same server (names lowercased: Azure names are case-insensitive). */
static const char *secret_aad(arena_t *a, const struct azure_service *svc, const char *name, int k)
{
	char *aad = arena_sprintf(a, "%s/%s/%s/%s/%s", svc->subscription_id, svc->resource_group,
				  svc->service_name, name, db_azure_secret_names[k]);
	for (char *p = aad; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return aad;
}

/* Seals each secret the body sets. */
static status_t seal_secrets(struct request *r, const struct azure_service *svc, const char *name,
			     const struct server *s, struct azure_secrets *x)
{
	const char *values[AZURE_SECRETS] = { s->client_secret, s->resource_owner_username,
					      s->resource_owner_password };
	for (int k = 0; k < AZURE_SECRETS; k++) {
		if (x->change[k] != AZURE_SECRET_SET)
			continue;
		if (secretbox_seal(r->arena, values[k], strlen(values[k]), secret_aad(r->arena, svc, name, k),
				   &x->sealed[k]) != 0) {
			log_error("azure: cannot seal a secret: no secret_key_file loaded");
			return error_set(&r->err, ST_INTERNAL, NULL, NULL);
		}
	}
	return ST_OK;
}

static status_t require_body(struct request *r, json_t **body)
{
	status_t st = http_body_json(r, body);
	if (st != ST_OK)
		r->err.field = "InvalidRequestContent";
	return st;
}

status_t azure_server_put(struct request *r)
{
	struct azure_service svc;
	struct azure_secrets secrets;
	struct azure_written w;
	const char *name;
	json_t *body;
	status_t st = parse_target(r, &svc, &name);
	if (st != ST_OK || (st = require_body(r, &body)) != ST_OK)
		return st;
	struct server s;
	server_init(&s);
	s.use_in_test_console = 1;
	s.resource_name = name;
	memset(&secrets, 0, sizeof(secrets));
	if ((st = azure_server_from_json(r, body, &s, secrets.change)) != ST_OK)
		return st;
	/* PUT replaces the whole entity: a secret the body leaves out is removed */
	for (int k = 0; k < AZURE_SECRETS; k++)
		if (secrets.change[k] == AZURE_SECRET_KEEP)
			secrets.change[k] = AZURE_SECRET_REMOVE;
	if (s.authorization_methods.n == 0) {
		static const char *get[] = { "GET" };
		s.authorization_methods.items = get;
		s.authorization_methods.n = 1;
	}
	if ((st = server_validate(&s, SERVER_OAUTH_CLIENT, &r->err)) != ST_OK ||
	    (st = seal_secrets(r, &svc, name, &s, &secrets)) != ST_OK)
		return st;
	st = db_azure_put(r->svc->db, r->arena, &r->caller, &svc, &s, azure_if_match(r->if_match), &secrets, &w);
	if (st != ST_OK)
		return st;
	/* The body is what was validated and stored, under the stored spellings: no re-read. */
	s.version = w.version;
	s.resource_name = w.name;
	return reply_server(r, w.created ? 201 : 200, &s, &w.svc);
}

static status_t require_if_match(struct request *r, int *expected)
{
	*expected = azure_if_match(r->if_match);
	if (*expected == DB_AZURE_NO_PRECONDITION)
		return error_set(&r->err, ST_BAD_REQUEST, "IfMatchHeaderRequired",
				 "The If-Match header is required for this operation.");
	return ST_OK;
}

struct patch {
	struct request *r;
	json_t *body;
	int expected;
	const struct azure_service *svc;
	const char *name;
};

/* Runs under the server's row lock: the precondition, the merge, the rules, the seal. */
static status_t apply_patch(void *ctx, struct azure_server *cur, struct azure_secrets *secrets)
{
	struct patch *p = ctx;
	status_t st;
	if (p->expected != DB_AZURE_ANY_VERSION && p->expected != cur->s.version)
		return error_set(&p->r->err, ST_PRECONDITION_FAILED, NULL, NULL);
	if ((st = azure_server_from_json(p->r, p->body, &cur->s, secrets->change)) != ST_OK ||
	    (st = server_validate(&cur->s, SERVER_OAUTH_CLIENT, &p->r->err)) != ST_OK)
		return st;
	return seal_secrets(p->r, p->svc, p->name, &cur->s, secrets);
}

status_t azure_server_patch(struct request *r)
{
	struct azure_service svc;
	struct azure_server cur;
	struct azure_written w;
	const char *name;
	json_t *body;
	int expected;
	status_t st = parse_target(r, &svc, &name);
	if (st != ST_OK || (st = require_if_match(r, &expected)) != ST_OK || (st = require_body(r, &body)) != ST_OK)
		return st;
	struct patch p = { r, body, expected, &svc, name };
	st = db_azure_patch(r->svc->db, r->arena, &r->caller, &svc, name, apply_patch, &p, &cur, &w);
	if (st != ST_OK)
		return st;
	cur.s.version = w.version;
	return reply_server(r, 200, &cur.s, &w.svc);
}

status_t azure_server_delete(struct request *r)
{
	struct azure_service svc;
	const char *name;
	int expected, deleted = 0;
	status_t st = parse_target(r, &svc, &name);
	if (st != ST_OK || (st = require_if_match(r, &expected)) != ST_OK)
		return st;
	st = db_azure_delete(r->svc->db, r->arena, &r->caller, &svc, name, expected, &deleted);
	if (st != ST_OK)
		return st;
	http_reply_empty(r, deleted ? 200 : 204);
	return ST_OK;
}

status_t azure_server_list_secrets(struct request *r)
{
	static const char *const properties[AZURE_SECRETS] = {
		"clientSecret", "resourceOwnerUsername", "resourceOwnerPassword",
	};
	struct azure_service svc;
	struct azure_secrets stored;
	const char *name;
	int version;
	status_t st = parse_target(r, &svc, &name);
	if (st != ST_OK)
		return st;
	st = db_azure_secrets(r->svc->db, r->arena, &r->caller, &svc, name, &stored, &version);
	if (st != ST_OK)
		return st;
	json_t *body = json_object();
	for (int k = 0; k < AZURE_SECRETS; k++) {
		if (stored.change[k] != AZURE_SECRET_SET)
			continue;
		const char *plain = secretbox_open(r->arena, &stored.sealed[k], secret_aad(r->arena, &svc, name, k), NULL);
		if (plain == NULL) {
			log_error("azure: a stored secret does not open (key %s missing or data altered)",
				  stored.sealed[k].key_id);
			json_decref(body);
			return error_set(&r->err, ST_INTERNAL, NULL, NULL);
		}
		json_object_set_new(body, properties[k], json_string(plain));
	}
	http_reply_header(r, "ETag", azure_etag(r->arena, version));
	http_reply_json(r, 200, body);
	return ST_OK;
}

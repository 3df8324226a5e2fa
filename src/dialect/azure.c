/* Azure dialect mapping: the ARM error body, ETags, the $filter parser, and the JSON
 * contract of an authorization server. Handlers are in azure_servers.c. */
#include "dialect/azure.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "auth/crypto.h"
#include "db/db_azure.h"
#include "dialect/dialect.h"
#include "jsonx.h"

/* ---- errors ------------------------------------------------------------------------ */

static void reply_error(struct request *r)
{
	const struct app_error *e = &r->err;
	int code = status_http_code(e->status);
	const char *ecode, *message;
	switch (e->status) {
	case ST_BAD_REQUEST: ecode = "BadRequest"; message = "The request is invalid."; break;
	case ST_INVALID:
		code = 400;
		ecode = "ValidationError";
		message = "One or more fields contain incorrect values:";
		break;
	case ST_UNAUTHORIZED:
		ecode = "AuthenticationFailed";
		message = "Authentication failed. The 'Authorization' header is missing or invalid.";
		break;
	case ST_FORBIDDEN:
		ecode = "AuthorizationFailed";
		message = "The client does not have authorization to perform this action.";
		break;
	case ST_NOT_FOUND: ecode = "ResourceNotFound"; message = "OAuth2AuthorizationServer not found."; break;
	case ST_METHOD_NOT_ALLOWED: ecode = "MethodNotAllowed"; message = "The HTTP method is not allowed."; break;
	case ST_CONFLICT: ecode = "Conflict"; message = "The resource was changed by another request."; break;
	case ST_PRECONDITION_FAILED:
		ecode = "PreconditionFailed";
		message = "The entity tag in If-Match does not match the current entity (or there is none).";
		break;
	case ST_TOO_LARGE: ecode = "RequestEntityTooLarge"; message = "The request body is too large."; break;
	case ST_RATE_LIMITED: ecode = "TooManyRequests"; message = "Too many requests."; break;
	case ST_UNAVAILABLE: ecode = "ServiceUnavailable"; message = "The service is temporarily unavailable."; break;
	default:
		code = 500;
		ecode = "InternalServerError";
		message = "The server encountered an internal error.";
		break;
	}
	if (e->field != NULL && e->status == ST_BAD_REQUEST)
		ecode = e->field;          /* a 400 may name its ARM error code */
	if (e->message != NULL && e->status != ST_INTERNAL)
		message = e->message;

	json_t *details = json_null();
	if (e->ndetails > 0) {
		details = json_array();
		for (size_t i = 0; i < e->ndetails; i++)
			json_array_append_new(details, json_pack("{s:s,s:s,s:s}", "code", "ValidationError",
				"target", e->details[i].field,
				"message", arena_sprintf(r->arena, "%s %s", e->details[i].field,
							 e->details[i].message)));
	}
	json_t *body = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", ecode, "message", message,
				 "details", details);
	http_reply_json(r, code, body);
}

const struct dialect dialect_azure = { "azure", reply_error };

/* ---- ETags ------------------------------------------------------------------------- */

const char *azure_etag(arena_t *a, int version)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char v[9] = { 0 };
	uint64_t x = (uint64_t)(uint32_t)version;
	for (int i = 7; i >= 0; i--, x >>= 8)
		v[i] = (unsigned char)(x & 0xFF);
	char out[16];
	size_t o = 0;
	for (int i = 0; i < 9; i += 3) {
		unsigned n = ((unsigned)v[i] << 16) | ((unsigned)v[i + 1] << 8) | v[i + 2];
		out[o++] = b64[(n >> 18) & 63];
		out[o++] = b64[(n >> 12) & 63];
		out[o++] = b64[(n >> 6) & 63];
		out[o++] = b64[n & 63];
	}
	/* 8 bytes encode to 11 characters and one '=' */
	out[11] = '=';
	out[12] = '\0';
	return arena_sprintf(a, "\"%s\"", out);
}

int azure_if_match(const char *h)
{
	while (h != NULL && *h == ' ')
		h++;
	if (h == NULL || *h == '\0')
		return DB_AZURE_NO_PRECONDITION;
	if (strcmp(h, "*") == 0)
		return DB_AZURE_ANY_VERSION;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	size_t len = strcspn(h, ",");
	while (len > 0 && h[len - 1] == ' ')
		len--;
	if (len >= 2 && h[0] == '"' && h[len - 1] == '"') {
		h++;
		len -= 2;
	}
	char buf[32];
	if (len != 12)
		return -3;
	memcpy(buf, h, len);
	buf[len] = '\0';
	/* decode the 8 bytes back */
	uint64_t x = 0;
	int bits = 0;
	unsigned char bytes[9];
	size_t nb = 0;
	for (size_t i = 0; i < 11; i++) {
		const char *p = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", buf[i]);
		if (p == NULL || buf[i] == '\0')
			return -3;
		x = (x << 6) | (uint64_t)(p - "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes[nb++] = (unsigned char)((x >> bits) & 0xFF);
		}
	}
	if (buf[11] != '=' || nb != 8)
		return -3;
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | bytes[i];
	return v >= 1 && v <= INT32_MAX ? (int)v : -3;
}

/* ---- $filter ----------------------------------------------------------------------- */

struct lexer {
	arena_t *a;
	const char *p;
};

static void skip_ws(struct lexer *l)
{
	while (*l->p == ' ' || *l->p == '\t')
		l->p++;
}

/* An identifier (letters, digits, '/', '_'); NULL if none. */
static const char *ident(struct lexer *l)
{
	skip_ws(l);
	const char *s = l->p;
	while (isalnum((unsigned char)*l->p) || *l->p == '/' || *l->p == '_' || *l->p == '$')
		l->p++;
	return l->p > s ? arena_strndup(l->a, s, (size_t)(l->p - s)) : NULL;
}

/* A quoted string with '' as an escaped quote; NULL if malformed. */
static const char *string_lit(struct lexer *l)
{
	skip_ws(l);
	if (*l->p != '\'')
		return NULL;
	l->p++;
	char *out = arena_alloc(l->a, strlen(l->p) + 1);
	size_t o = 0;
	for (;;) {
		if (*l->p == '\0')
			return NULL;
		if (*l->p == '\'') {
			if (l->p[1] == '\'') {
				out[o++] = '\'';
				l->p += 2;
				continue;
			}
			l->p++;
			break;
		}
		out[o++] = *l->p++;
	}
	out[o] = '\0';
	return out;
}

static int punct(struct lexer *l, char c)
{
	skip_ws(l);
	if (*l->p != c)
		return 0;
	l->p++;
	return 1;
}

/* "name" or "displayName" (optionally "properties/displayName"); NULL otherwise. */
static const char *field_key(const char *id)
{
	if (id == NULL)
		return NULL;
	if (strcasecmp(id, "name") == 0)
		return "name";
	if (strcasecmp(id, "displayName") == 0 || strcasecmp(id, "properties/displayName") == 0)
		return "displayName";
	return NULL;
}

static void add_value(json_t *root, const char *field, const char *op, const char *value)
{
	json_t *f = json_object_get(root, field);
	if (f == NULL) {
		f = json_object();
		json_object_set_new(root, field, f);
	}
	json_t *arr = json_object_get(f, op);
	if (arr == NULL) {
		arr = json_array();
		json_object_set_new(f, op, arr);
	}
	json_array_append_new(arr, json_string(value));
}

static int clause(struct lexer *l, json_t *root)
{
	if (punct(l, '('))
		return clause(l, root) == 0 && punct(l, ')') ? 0 : -1;
	const char *id = ident(l);
	if (id == NULL)
		return -1;
	static const char *const funcs[] = { "substringof", "contains", "startswith", "endswith" };
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(id, funcs[i]) != 0)
			continue;
		const char *field, *value;
		if (!punct(l, '('))
			return -1;
		if (i == 0) {           /* substringof('value', field) */
			value = string_lit(l);
			if (value == NULL || !punct(l, ',') || (field = field_key(ident(l))) == NULL)
				return -1;
		} else {
			if ((field = field_key(ident(l))) == NULL || !punct(l, ',') ||
			    (value = string_lit(l)) == NULL)
				return -1;
		}
		if (!punct(l, ')'))
			return -1;
		/* optional "eq true" */
		const char *save = l->p;
		const char *next = ident(l);
		if (next != NULL && strcasecmp(next, "eq") == 0) {
			const char *t = ident(l);
			if (t == NULL || strcasecmp(t, "true") != 0)
				return -1;
		} else {
			l->p = save;
		}
		add_value(root, field, i == 0 ? "contains" : funcs[i], value);
		return 0;
	}
	const char *field = field_key(id);
	const char *op = ident(l);
	static const char *const ops[] = { "eq", "ne", "gt", "lt", "ge", "le" };
	if (field == NULL || op == NULL)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (strcasecmp(op, ops[i]) == 0) {
			const char *value = string_lit(l);
			if (value == NULL)
				return -1;
			add_value(root, field, ops[i], value);
			return 0;
		}
	}
	return -1;
}

char *azure_filter_parse(arena_t *a, const char *filter, const char **err)
{
	struct lexer l = { a, filter };
	json_t *root = jsonx_arena_own(a, json_object());
	for (;;) {
		if (clause(&l, root) != 0)
			goto bad;
		const char *save = l.p;
		const char *conj = ident(&l);
		if (conj == NULL) {
			skip_ws(&l);
			if (*l.p != '\0')
				goto bad;
			break;
		}
		if (strcasecmp(conj, "and") != 0) {
			l.p = save;
			goto bad;
		}
	}
	size_t len;
	return jsonx_dump(a, root, &len);
bad:
	*err = arena_sprintf(a, "Invalid filter clause specified: '%s'. Supported: name or displayName "
				"with eq, ne, gt, lt, ge, le; substringof, contains, startswith, endswith; and.",
			     filter);
	return NULL;
}

/* ---- contract ---------------------------------------------------------------------- */

static const struct {
	const char *azure, *canonical;
} grant_names[] = {
	{ "authorizationCode", "authorization_code" },
	{ "implicit", "implicit" },
	{ "resourceOwnerPassword", "password" },
	{ "clientCredentials", "client_credentials" },
};

static const char *grant_to_canonical(arena_t *a, const char *azure)
{
	for (size_t i = 0; i < sizeof(grant_names) / sizeof(grant_names[0]); i++)
		if (strcmp(grant_names[i].azure, azure) == 0)
			return grant_names[i].canonical;
	return arena_sprintf(a, "?%s", azure);      /* unknown: validation refuses it */
}

static const char *grant_to_azure(const char *canonical)
{
	for (size_t i = 0; i < sizeof(grant_names) / sizeof(grant_names[0]); i++)
		if (strcmp(grant_names[i].canonical, canonical) == 0)
			return grant_names[i].azure;
	return canonical;
}

static int get_string(struct request *r, json_t *props, const char *key, const char **out)
{
	json_t *v = json_object_get(props, key);
	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		*out = NULL;
		return 1;
	}
	if (!json_is_string(v)) {
		error_add(&r->err, key, "must be a string");
		return 0;
	}
	*out = json_string_value(v);
	return 1;
}

static void get_bool(struct request *r, json_t *props, const char *key, int *out)
{
	json_t *v = json_object_get(props, key);
	if (v == NULL || json_is_null(v))
		return;
	if (!json_is_boolean(v)) {
		error_add(&r->err, key, "must be a boolean");
		return;
	}
	*out = json_is_true(v);
}

static void get_list(struct request *r, json_t *props, const char *key, struct strlist *out, int grants)
{
	json_t *v = json_object_get(props, key);
	if (v == NULL || json_is_null(v))
		return;
	if (!json_is_array(v)) {
		error_add(&r->err, key, "must be an array of strings");
		return;
	}
	size_t n = json_array_size(v);
	const char **items = arena_alloc(r->arena, (n ? n : 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(v, i);
		if (!json_is_string(item)) {
			error_add(&r->err, key, "must be an array of strings");
			return;
		}
		items[i] = grants ? grant_to_canonical(r->arena, json_string_value(item))
				  : json_string_value(item);
	}
	out->items = items;
	out->n = n;
}

static void get_params(struct request *r, json_t *props, struct server *s)
{
	json_t *v = json_object_get(props, "tokenBodyParameters");
	if (v == NULL || json_is_null(v))
		return;
	size_t n = json_is_array(v) ? json_array_size(v) : 0;
	struct token_body_param *p = arena_alloc(r->arena, (n ? n : 1) * sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(v, i), *name = json_object_get(item, "name"),
		       *value = json_object_get(item, "value");
		if (!json_is_string(name) || !json_is_string(value)) {
			error_add(&r->err, "tokenBodyParameters", "must be objects with string name and value");
			return;
		}
		p[i].name = json_string_value(name);
		p[i].value = json_string_value(value);
	}
	if (!json_is_array(v)) {
		error_add(&r->err, "tokenBodyParameters", "must be an array");
		return;
	}
	s->token_body_params = p;
	s->ntoken_body_params = n;
}

status_t azure_server_from_json(struct request *r, json_t *body, struct server *s, int *secrets_given)
{
	size_t before = r->err.ndetails;
	*secrets_given = 0;
	if (!json_is_object(body))
		return error_set(&r->err, ST_BAD_REQUEST, "InvalidRequestContent",
				 "The request body must be a JSON object.");
	json_t *props = json_object_get(body, "properties");
	if (props == NULL || json_is_null(props))
		props = jsonx_arena_own(r->arena, json_object());
	else if (!json_is_object(props)) {
		error_add(&r->err, "properties", "must be an object");
		return error_set(&r->err, ST_INVALID, NULL, NULL);
	}
	get_string(r, props, "displayName", &s->name);
	get_string(r, props, "description", &s->description);
	get_string(r, props, "clientRegistrationEndpoint", &s->client_registration_endpoint);
	get_string(r, props, "authorizationEndpoint", &s->authorization_endpoint);
	get_string(r, props, "tokenEndpoint", &s->token_endpoint);
	get_string(r, props, "clientId", &s->client_id);
	get_string(r, props, "defaultScope", &s->default_scope);
	get_bool(r, props, "supportState", &s->support_state);
	get_bool(r, props, "useInTestConsole", &s->use_in_test_console);
	get_bool(r, props, "useInApiDocumentation", &s->use_in_api_documentation);
	get_list(r, props, "grantTypes", &s->grant_types, 1);
	get_list(r, props, "authorizationMethods", &s->authorization_methods, 0);
	get_list(r, props, "clientAuthenticationMethod", &s->client_authentication_methods, 0);
	get_list(r, props, "bearerTokenSendingMethods", &s->bearer_token_sending_methods, 0);
	get_params(r, props, s);
	if (get_string(r, props, "clientSecret", &s->client_secret))
		*secrets_given |= AZURE_SECRET_CLIENT;
	if (get_string(r, props, "resourceOwnerUsername", &s->resource_owner_username))
		*secrets_given |= AZURE_SECRET_USERNAME;
	if (get_string(r, props, "resourceOwnerPassword", &s->resource_owner_password))
		*secrets_given |= AZURE_SECRET_PASSWORD;
	if (r->err.ndetails > before)
		return error_set(&r->err, ST_INVALID, NULL, NULL);
	return ST_OK;
}

static json_t *list_json(const struct strlist *l, int grants)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(arr, json_string(grants ? grant_to_azure(l->items[i]) : l->items[i]));
	return arr;
}

json_t *azure_server_to_json(arena_t *a, const struct server *s, const char *sub, const char *rg,
			     const char *svc)
{
	json_t *p = json_object();
	json_object_set_new(p, "displayName", json_string(s->name));
	if (s->description != NULL)
		json_object_set_new(p, "description", json_string(s->description));
	if (s->client_registration_endpoint != NULL)
		json_object_set_new(p, "clientRegistrationEndpoint", json_string(s->client_registration_endpoint));
	if (s->authorization_endpoint != NULL)
		json_object_set_new(p, "authorizationEndpoint", json_string(s->authorization_endpoint));
	json_object_set_new(p, "authorizationMethods", s->authorization_methods.n
				    ? list_json(&s->authorization_methods, 0) : json_pack("[s]", "GET"));
	if (s->client_authentication_methods.n)
		json_object_set_new(p, "clientAuthenticationMethod", list_json(&s->client_authentication_methods, 0));
	if (s->ntoken_body_params) {
		json_t *arr = json_array();
		for (size_t i = 0; i < s->ntoken_body_params; i++)
			json_array_append_new(arr, json_pack("{s:s,s:s}", "name", s->token_body_params[i].name,
							     "value", s->token_body_params[i].value));
		json_object_set_new(p, "tokenBodyParameters", arr);
	}
	if (s->token_endpoint != NULL)
		json_object_set_new(p, "tokenEndpoint", json_string(s->token_endpoint));
	json_object_set_new(p, "supportState", json_boolean(s->support_state));
	if (s->default_scope != NULL)
		json_object_set_new(p, "defaultScope", json_string(s->default_scope));
	json_object_set_new(p, "grantTypes", list_json(&s->grant_types, 1));
	if (s->bearer_token_sending_methods.n)
		json_object_set_new(p, "bearerTokenSendingMethods", list_json(&s->bearer_token_sending_methods, 0));
	if (s->client_id != NULL)
		json_object_set_new(p, "clientId", json_string(s->client_id));
	json_object_set_new(p, "useInTestConsole", json_boolean(s->use_in_test_console));
	json_object_set_new(p, "useInApiDocumentation", json_boolean(s->use_in_api_documentation));

	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(arena_sprintf(a,
		"/subscriptions/%s/resourceGroups/%s/providers/Microsoft.ApiManagement/service/%s"
		"/authorizationServers/%s", sub, rg, svc, s->resource_name)));
	json_object_set_new(o, "type", json_string("Microsoft.ApiManagement/service/authorizationServers"));
	json_object_set_new(o, "name", json_string(s->resource_name));
	json_object_set_new(o, "properties", p);
	return o;
}

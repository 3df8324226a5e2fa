/* Azure dialect mapping: the ARM error body, ETags, the $filter parser, and the JSON
 * contract of an authorization server. Handlers are in azure_servers.c. */
#include "dialect/azure.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/crypto.h"
#include "core/jsonx.h"
#include "dialect/dialect.h"
#include "http/response.h"

/* ---- names and messages -------------------------------------------------------------- */

static const struct {
	const char *field, *property, *allowed;
} properties[] = {
	{ "name", "displayName", NULL },
	{ "description", "description", NULL },
	{ "client_registration_endpoint", "clientRegistrationEndpoint", NULL },
	{ "authorization_endpoint", "authorizationEndpoint", NULL },
	{ "token_endpoint", "tokenEndpoint", NULL },
	{ "client_id", "clientId", NULL },
	{ "default_scope", "defaultScope", NULL },
	{ "support_state", "supportState", NULL },
	{ "use_in_test_console", "useInTestConsole", NULL },
	{ "use_in_api_documentation", "useInApiDocumentation", NULL },
	{ "grant_types", "grantTypes", "authorizationCode, implicit, resourceOwnerPassword or clientCredentials" },
	{ "authorization_methods", "authorizationMethods", "HEAD, OPTIONS, TRACE, GET, POST, PUT, PATCH or DELETE" },
	{ "client_authentication_methods", "clientAuthenticationMethod", "Basic or Body" },
	{ "bearer_token_sending_methods", "bearerTokenSendingMethods", "authorizationHeader or query" },
	{ "token_body_parameters", "tokenBodyParameters", NULL },
};
#define NPROPERTIES (sizeof(properties) / sizeof(properties[0]))

const char *azure_property(const char *field)
{
	for (size_t i = 0; i < NPROPERTIES; i++)
		if (strcmp(properties[i].field, field) == 0)
			return properties[i].property;
	return field;       /* a dialect-level name already (a path part, $top, ...) */
}

static const char *allowed_values(const char *field)
{
	for (size_t i = 0; i < NPROPERTIES; i++)
		if (strcmp(properties[i].field, field) == 0)
			return properties[i].allowed;
	return NULL;
}

/* A failing rule in Azure's words (after the property name). */
static const char *rule_message(arena_t *a, const struct error_detail *d)
{
	switch (d->rule) {
	case RULE_MESSAGE: return d->message;
	case RULE_REQUIRED: return "is required";
	case RULE_TOO_LONG:
		if (strcmp(d->field, "name") == 0)
			return arena_sprintf(a, "must be between 1 and %ld characters long", d->limit);
		return arena_sprintf(a, "must be at most %ld characters long", d->limit);
	case RULE_NOT_URL:
	case RULE_NOT_URI: return "must be an absolute URL";
	case RULE_TOO_FEW:
		return strcmp(d->field, "grant_types") == 0 ? "must contain at least one grant type"
							    : arena_sprintf(a, "must contain at least %ld items", d->limit);
	case RULE_NOT_ALLOWED: {
		const char *allowed = allowed_values(d->field);
		return allowed ? arena_sprintf(a, "must contain only %s, each once", allowed) : "contains a value not allowed";
	}
	case RULE_MISSING_ITEM: return arena_sprintf(a, "must contain %s", d->message);
	case RULE_BAD_ITEMS: return "must have unique names of 1 to 256 characters and values of at most 4096";
	case RULE_TOO_MANY: return arena_sprintf(a, "must have at most %ld entries", d->limit);
	case RULE_TOO_SMALL: return arena_sprintf(a, "must be at least %ld", d->limit);
	case RULE_TOO_LARGE: return arena_sprintf(a, "must be at most %ld", d->limit);
	default: break;
	}
	return "is invalid";
}

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
	case ST_OK:
	case ST_INTERNAL:
		code = 500;
		ecode = "InternalServerError";
		message = "The server encountered an internal error.";
		break;
	default:
		/* what nginx may answer itself (408, 414, 502, ...) */
		ecode = arena_strdup(r->arena, status_reason(code));
		for (char *p = (char *)ecode, *o = p;; p++) {
			if (*p != ' ')
				*o++ = *p;
			if (*p == '\0')
				break;
		}
		message = arena_sprintf(r->arena, "%s.", status_reason(code));
		break;
	}
	if (e->field != NULL && e->status == ST_BAD_REQUEST)
		ecode = e->field;          /* a 400 may name its ARM error code */
	if (e->message != NULL && e->status != ST_INTERNAL)
		message = e->message;

	json_t *details = json_null();
	if (e->ndetails > 0) {
		details = json_array();
		for (size_t i = 0; i < e->ndetails; i++) {
			const char *target = azure_property(e->details[i].field);
			json_array_append_new(details, json_pack("{s:s,s:s,s:s}", "code", "ValidationError",
				"target", target,
				"message", arena_sprintf(r->arena, "%s %s", target, rule_message(r->arena, &e->details[i]))));
		}
	}
	http_reply_json(r, code, json_pack("{s:{s:s,s:s,s:o}}", "error", "code", ecode, "message", message,
					   "details", details));
}

const struct dialect dialect_azure = { "azure", reply_error };

/* ---- ETags ------------------------------------------------------------------------- */

const char *azure_etag(arena_t *a, int version)
{
	unsigned char v[8];
	uint64_t x = (uint64_t)(uint32_t)version;
	for (int i = 7; i >= 0; i--, x >>= 8)
		v[i] = (unsigned char)(x & 0xFF);
	return arena_sprintf(a, "\"%s\"", crypto_base64_encode(a, v, sizeof(v), BASE64_STD));
}

/* The version one entity tag names (quoted or bare, strong or weak), or 0. Only the
 * spelling azure_etag writes counts: another text for the same bytes is not our tag. */
static int tag_version(const char *t, size_t len)
{
	if (len >= 2 && strncmp(t, "W/", 2) == 0) {
		t += 2;
		len -= 2;
	}
	if (len >= 2 && t[0] == '"' && t[len - 1] == '"') {
		t++;
		len -= 2;
	}
	if (len != 12)
		return 0;
	arena_t *tmp = arena_create(0);
	size_t n = 0;
	const unsigned char *bytes = crypto_base64_decode(tmp, t, len, BASE64_STD, &n);
	uint64_t v = 0;
	for (size_t i = 0; bytes != NULL && n == 8 && i < 8; i++)
		v = (v << 8) | bytes[i];
	int ok = bytes != NULL && n == 8 && v >= 1 && v <= INT32_MAX &&
		 strncmp(azure_etag(tmp, (int)v) + 1, t, 12) == 0;
	arena_destroy(tmp);
	return ok ? (int)v : 0;
}

int azure_if_match(const char *h)
{
	while (h != NULL && *h == ' ')
		h++;
	if (h == NULL || *h == '\0')
		return DB_AZURE_NO_PRECONDITION;
	if (h[0] == '*' && h[1 + strspn(h + 1, " ")] == '\0')
		return DB_AZURE_ANY_VERSION;
	/* a list of tags matches when one does; the first of ours is the one we compare */
	for (const char *p = h; *p != '\0';) {
		size_t len = strcspn(p, ",");
		const char *item = p;
		size_t n = len;
		while (n > 0 && *item == ' ')
			item++, n--;
		while (n > 0 && item[n - 1] == ' ')
			n--;
		int v = tag_version(item, n);
		if (v > 0)
			return v;
		p += len;
		if (*p == ',')
			p++;
	}
	return DB_AZURE_NO_VERSION;
}

/* ---- $filter ----------------------------------------------------------------------- */

#define FILTER_DEPTH_MAX 8

struct lexer {
	arena_t *a;
	const char *p;
	struct azure_filter *out;
	int depth;
};

static void skip_ws(struct lexer *l)
{
	while (*l->p == ' ' || *l->p == '\t')
		l->p++;
}

/* An identifier (letters, digits, '/', '_', '$'); NULL if none. */
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
			if (l->p[1] != '\'') {
				l->p++;
				break;
			}
			l->p++;
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

/* "name" or "displayName" (optionally "properties/displayName"); -1 otherwise. */
static int field_key(const char *id)
{
	if (id == NULL)
		return -1;
	if (strcasecmp(id, "name") == 0)
		return AZURE_FILTER_NAME;
	if (strcasecmp(id, "displayName") == 0 || strcasecmp(id, "properties/displayName") == 0)
		return AZURE_FILTER_DISPLAY_NAME;
	return -1;
}

static int add(struct lexer *l, int field, enum azure_filter_op op, const char *value)
{
	if (field < 0 || value == NULL || l->out->n == AZURE_FILTER_MAX)
		return -1;
	l->out->clauses[l->out->n].field = (enum azure_filter_field)field;
	l->out->clauses[l->out->n].op = op;
	l->out->clauses[l->out->n].value = value;
	l->out->n++;
	return 0;
}

/* contains(field,'v'), startswith, endswith, substringof('v',field) [eq true] */
static int function_clause(struct lexer *l, int which)
{
	static const enum azure_filter_op ops[] = { AZF_CONTAINS, AZF_CONTAINS, AZF_STARTSWITH, AZF_ENDSWITH };
	int field;
	const char *value;
	if (!punct(l, '('))
		return -1;
	if (which == 0) {           /* substringof('value', field) */
		value = string_lit(l);
		if (value == NULL || !punct(l, ','))
			return -1;
		field = field_key(ident(l));
	} else {
		field = field_key(ident(l));
		if (field < 0 || !punct(l, ','))
			return -1;
		value = string_lit(l);
	}
	if (!punct(l, ')'))
		return -1;
	const char *save = l->p;
	const char *next = ident(l);
	if (next != NULL && strcasecmp(next, "eq") == 0) {
		const char *t = ident(l);
		if (t == NULL || strcasecmp(t, "true") != 0)
			return -1;
	} else {
		l->p = save;
	}
	return add(l, field, ops[which], value);
}

static int clause(struct lexer *l)
{
	if (punct(l, '(')) {
		if (++l->depth > FILTER_DEPTH_MAX)
			return -1;
		int rc = clause(l) == 0 && punct(l, ')') ? 0 : -1;
		l->depth--;
		return rc;
	}
	const char *id = ident(l);
	if (id == NULL)
		return -1;
	static const char *const funcs[] = { "substringof", "contains", "startswith", "endswith" };
	for (int i = 0; i < 4; i++)
		if (strcasecmp(id, funcs[i]) == 0)
			return function_clause(l, i);
	static const char *const ops[] = { "eq", "ne", "gt", "lt", "ge", "le" };
	int field = field_key(id);
	const char *op = ident(l);
	for (int i = 0; op != NULL && i < 6; i++)
		if (strcasecmp(op, ops[i]) == 0)
			return add(l, field, (enum azure_filter_op)(AZF_EQ + i), string_lit(l));
	return -1;
}

int azure_filter_parse(arena_t *a, const char *filter, struct azure_filter *out, const char **err)
{
	struct lexer l = { a, filter, out, 0 };
	out->n = 0;
	for (;;) {
		if (clause(&l) != 0)
			goto bad;
		const char *save = l.p;
		const char *conj = ident(&l);
		if (conj == NULL) {
			skip_ws(&l);
			if (*l.p != '\0')
				goto bad;
			return 0;
		}
		if (strcasecmp(conj, "and") != 0) {
			l.p = save;
			goto bad;
		}
	}
bad:
	*err = arena_sprintf(a, "Invalid filter clause specified: '%s'. Supported: name or displayName "
				"with eq, ne, gt, lt, ge, le; substringof, contains, startswith, endswith; and.",
			     filter);
	return -1;
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

static void type_error(struct request *r, const char *property, const char *message)
{
	error_add_message(&r->err, property, message);
}

/* 1 if the key is present (a string or null, into *out), 0 if absent or of the wrong type. */
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
		type_error(r, key, "must be a string");
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
		type_error(r, key, "must be a boolean");
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
		type_error(r, key, "must be an array of strings");
		return;
	}
	size_t n = json_array_size(v);
	const char **items = arena_alloc(r->arena, (n ? n : 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(v, i);
		if (!json_is_string(item)) {
			type_error(r, key, "must be an array of strings");
			return;
		}
		items[i] = grants ? grant_to_canonical(r->arena, json_string_value(item)) : json_string_value(item);
	}
	out->items = items;
	out->n = n;
}

static void get_params(struct request *r, json_t *props, struct server *s)
{
	json_t *v = json_object_get(props, "tokenBodyParameters");
	if (v == NULL || json_is_null(v))
		return;
	if (!json_is_array(v)) {
		type_error(r, "tokenBodyParameters", "must be an array");
		return;
	}
	size_t n = json_array_size(v);
	struct token_body_param *p = arena_alloc(r->arena, (n ? n : 1) * sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(v, i), *name = json_object_get(item, "name"),
		       *value = json_object_get(item, "value");
		if (!json_is_string(name) || !json_is_string(value)) {
			type_error(r, "tokenBodyParameters", "must be objects with string name and value");
			return;
		}
		p[i].name = json_string_value(name);
		p[i].value = json_string_value(value);
	}
	s->token_body_params = p;
	s->ntoken_body_params = n;
}

static const char *const secret_properties[AZURE_SECRETS] = {
	"clientSecret", "resourceOwnerUsername", "resourceOwnerPassword",
};

status_t azure_server_from_json(struct request *r, json_t *body, struct server *s,
				enum azure_secret_change secrets[AZURE_SECRETS])
{
	size_t before = r->err.ndetails;
	if (!json_is_object(body))
		return error_set(&r->err, ST_BAD_REQUEST, "InvalidRequestContent",
				 "The request body must be a JSON object.");
	json_t *props = json_object_get(body, "properties");
	if (props == NULL || json_is_null(props))
		props = jsonx_arena_own(r->arena, json_object());
	else if (!json_is_object(props)) {
		type_error(r, "properties", "must be an object");
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
	const char **values[AZURE_SECRETS] = { &s->client_secret, &s->resource_owner_username,
					       &s->resource_owner_password };
	for (int k = 0; k < AZURE_SECRETS; k++) {
		secrets[k] = AZURE_SECRET_KEEP;
		if (get_string(r, props, secret_properties[k], values[k]))
			secrets[k] = *values[k] == NULL || (*values[k])[0] == '\0' ? AZURE_SECRET_REMOVE : AZURE_SECRET_SET;
	}
	return r->err.ndetails > before ? error_set(&r->err, ST_INVALID, NULL, NULL) : ST_OK;
}

static json_t *list_json(const struct strlist *l, int grants)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(arr, json_string(grants ? grant_to_azure(l->items[i]) : l->items[i]));
	return arr;
}

static void set_text(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

json_t *azure_server_to_json(arena_t *a, const struct server *s, const struct azure_service *svc)
{
	json_t *p = json_object();
	json_object_set_new(p, "displayName", json_string(s->name));
	set_text(p, "description", s->description);
	set_text(p, "clientRegistrationEndpoint", s->client_registration_endpoint);
	set_text(p, "authorizationEndpoint", s->authorization_endpoint);
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
	set_text(p, "tokenEndpoint", s->token_endpoint);
	json_object_set_new(p, "supportState", json_boolean(s->support_state));
	set_text(p, "defaultScope", s->default_scope);
	json_object_set_new(p, "grantTypes", list_json(&s->grant_types, 1));
	if (s->bearer_token_sending_methods.n)
		json_object_set_new(p, "bearerTokenSendingMethods", list_json(&s->bearer_token_sending_methods, 0));
	set_text(p, "clientId", s->client_id);
	json_object_set_new(p, "useInTestConsole", json_boolean(s->use_in_test_console));
	json_object_set_new(p, "useInApiDocumentation", json_boolean(s->use_in_api_documentation));

	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(arena_sprintf(a,
		"/subscriptions/%s/resourceGroups/%s/providers/Microsoft.ApiManagement/service/%s"
		"/authorizationServers/%s", svc->subscription_id, svc->resource_group, svc->service_name,
		s->resource_name)));
	json_object_set_new(o, "type", json_string("Microsoft.ApiManagement/service/authorizationServers"));
	json_object_set_new(o, "name", json_string(s->resource_name));
	json_object_set_new(o, "properties", p);
	return o;
}

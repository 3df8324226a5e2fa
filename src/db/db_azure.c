/* Servers in Azure's shape: documents in (Azure's property names, the audit trail's
 * vocabulary), rows out, and the $filter unpacked into the arrays azure_list.sql compares. */
#include "db/db_azure.h"

#include <string.h>

#include "core/crypto.h"
#include "core/log.h"
#include "db/db_fields.h"

const char *const db_azure_secret_names[AZURE_SECRETS] = {
	"client_secret", "resource_owner_username", "resource_owner_password",
};

/* Every statement names its server by (subscription, resource group, service, name). */
#define SERVICE(svc) (svc)->subscription_id, (svc)->resource_group, (svc)->service_name

static int read_params(arena_t *a, json_t *arr, struct server *s)
{
	if (!json_is_array(arr))
		return -1;
	s->ntoken_body_params = json_array_size(arr);
	s->token_body_params = arena_alloc(a, (s->ntoken_body_params ? s->ntoken_body_params : 1) *
						 sizeof(struct token_body_param));
	for (size_t i = 0; i < s->ntoken_body_params; i++) {
		json_t *p = json_array_get(arr, i);
		s->token_body_params[i].name = json_string_value(json_object_get(p, "name"));
		s->token_body_params[i].value = json_string_value(json_object_get(p, "value"));
		if (s->token_body_params[i].name == NULL || s->token_body_params[i].value == NULL)
			return -1;
	}
	return 0;
}

#define AS(member) offsetof(struct azure_server, member)
#define F(member, col, type) { col, type, AS(member), 0 }
/* The columns of a server row (azure_get.sql, azure_list.sql, the writes' results). */
static const struct db_field row_fields[] = {
	F(s.id, "id", DB_F_INT64),
	F(s.resource_name, "resource_name", DB_F_TEXT),
	F(s.name, "name", DB_F_TEXT),
	F(s.description, "description", DB_F_TEXT),
	F(s.version, "version", DB_F_INT),
	F(svc.subscription_id, "subscription_id", DB_F_TEXT),
	F(svc.resource_group, "resource_group", DB_F_TEXT),
	F(svc.service_name, "service_name", DB_F_TEXT),
	F(s.client_registration_endpoint, "client_registration_endpoint", DB_F_TEXT),
	F(s.authorization_endpoint, "authorization_endpoint", DB_F_TEXT),
	F(s.token_endpoint, "token_endpoint", DB_F_TEXT),
	F(s.client_id, "client_id", DB_F_TEXT),
	F(s.default_scope, "default_scope", DB_F_TEXT),
	F(s.support_state, "support_state", DB_F_BOOL),
	F(s.use_in_test_console, "use_in_test_console", DB_F_BOOL),
	F(s.use_in_api_documentation, "use_in_api_documentation", DB_F_BOOL),
	F(s.grant_types, "grant_types", DB_F_STRLIST),
	F(s.authorization_methods, "authorization_methods", DB_F_STRLIST),
	F(s.client_authentication_methods, "client_authentication_methods", DB_F_STRLIST),
	F(s.bearer_token_sending_methods, "bearer_token_sending_methods", DB_F_STRLIST),
};

/* The members of the document azure_put stores (and the audit trail shows), in Azure's
 * names; tokenBodyParameters is added beside them. */
#define D(member, name, type) { name, type, offsetof(struct server, member), 0 }
static const struct db_field doc_fields[] = {
	D(name, "displayName", DB_F_TEXT),
	D(description, "description", DB_F_TEXT),
	D(client_registration_endpoint, "clientRegistrationEndpoint", DB_F_TEXT),
	D(authorization_endpoint, "authorizationEndpoint", DB_F_TEXT),
	D(token_endpoint, "tokenEndpoint", DB_F_TEXT),
	D(client_id, "clientId", DB_F_TEXT),
	D(default_scope, "defaultScope", DB_F_TEXT),
	D(support_state, "supportState", DB_F_BOOL),
	D(use_in_test_console, "useInTestConsole", DB_F_BOOL),
	D(use_in_api_documentation, "useInApiDocumentation", DB_F_BOOL),
	D(grant_types, "grantTypes", DB_F_STRLIST),
	D(authorization_methods, "authorizationMethods", DB_F_STRLIST),
	D(client_authentication_methods, "clientAuthenticationMethod", DB_F_STRLIST),
	D(bearer_token_sending_methods, "bearerTokenSendingMethods", DB_F_STRLIST),
};
#undef D
#undef F

/* Servers from rows [0, count) into an arena array; ST_INTERNAL for a row the database
 * cannot have sent. */
static status_t read_servers(arena_t *a, const struct db_rows *rows, int count, struct azure_server **out)
{
	struct azure_server proto;
	memset(&proto, 0, sizeof(proto));
	server_init(&proto.s);
	if (db_fields_read_all(a, rows, 0, count, row_fields, DB_NFIELDS(row_fields), &proto, sizeof(proto),
			       (void **)out) != 0)
		return ST_INTERNAL;
	for (int i = 0; i < count; i++) {
		struct server *s = &(*out)[i].s;
		if (s->resource_name == NULL || s->name == NULL ||
		    read_params(a, db_json(a, rows, i, "token_body_parameters"), s) != 0) {
			log_error("db: azure server %lld: malformed row", (long long)s->id);
			return ST_INTERNAL;
		}
	}
	return ST_OK;
}

/* The one server of a result, into out. */
static status_t one(arena_t *a, const struct db_rows *rows, struct azure_server *out)
{
	struct azure_server *list;
	if (rows->n != 1)
		return ST_NOT_FOUND;
	status_t st = read_servers(a, rows, 1, &list);
	if (st == ST_OK)
		*out = *list;
	return st;
}

status_t db_azure_get(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
		      const char *name, struct azure_server *out)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_AZURE_GET, &rows, "tttt", SERVICE(svc), name);
	if (st != ST_OK)
		return st;
	return one(a, &rows, out);
}

/* LIKE metacharacters in a value are plain text. */
static char *like_escape(arena_t *a, const char *v, const char *before, const char *after)
{
	char *out = arena_alloc(a, 2 * strlen(v) + 3), *o = out;
	o += strlen(strcpy(o, before));
	for (; *v; v++) {
		if (*v == '\\' || *v == '%' || *v == '_')
			*o++ = '\\';
		*o++ = *v;
	}
	strcpy(o, after);
	return out;
}

static void add_value(json_t *root, const char *field, const char *op, const char *value)
{
	json_t *f = json_object_get(root, field);
	if (f == NULL)
		json_object_set_new(root, field, f = json_object());
	json_t *arr = json_object_get(f, op);
	if (arr == NULL)
		json_object_set_new(f, op, arr = json_array());
	json_array_append_new(arr, json_string(value));
}

static json_t *filter_json(arena_t *a, const struct azure_filter *filter)
{
	static const char *const ops[] = { "eq", "ne", "gt", "lt", "ge", "le", "like", "like", "like" };
	json_t *root = json_object();
	for (size_t i = 0; filter != NULL && i < filter->n; i++) {
		const char *v = filter->clauses[i].value;
		enum azure_filter_op op = filter->clauses[i].op;
		if (op == AZF_CONTAINS)
			v = like_escape(a, v, "%", "%");
		else if (op == AZF_STARTSWITH)
			v = like_escape(a, v, "", "%");
		else if (op == AZF_ENDSWITH)
			v = like_escape(a, v, "%", "");
		add_value(root, filter->clauses[i].field == AZURE_FILTER_NAME ? "name" : "displayName", ops[op], v);
	}
	return root;
}

status_t db_azure_list(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
		       const struct azure_filter *filter, int top, int skip, struct azure_server **out,
		       size_t *n, long *total)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_AZURE_LIST, &rows, "tttjii", SERVICE(svc), filter_json(a, filter),
			      (int64_t)top, (int64_t)skip);
	if (st != ST_OK)
		return st;
	if (rows.n == 0)
		return ST_NOT_FOUND;
	*total = (long)db_int(&rows, 0, "total");
	/* A page with nothing on it is the service's row alone, its id NULL. */
	*n = rows.n == 1 && db_is_null(&rows, 0, "id") ? 0 : (size_t)rows.n;
	return read_servers(a, &rows, (int)*n, out);
}

status_t db_azure_secrets(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
			  const char *name, struct azure_secrets *out, int *version)
{
	struct db_rows rows;
	memset(out, 0, sizeof(*out));
	status_t st = db_call(db, a, caller, DB_STMT_AZURE_SECRETS, &rows, "tttt", SERVICE(svc), name);
	if (st != ST_OK)
		return st;
	if (rows.n == 0)
		return ST_NOT_FOUND;
	*version = (int)db_int(&rows, 0, "version");
	for (int i = 0; i < rows.n; i++) {
		const char *secret = db_text(&rows, i, "name");
		for (int k = 0; secret != NULL && k < AZURE_SECRETS; k++) {
			if (strcmp(secret, db_azure_secret_names[k]) != 0)
				continue;
			out->change[k] = AZURE_SECRET_SET;
			out->sealed[k].key_id = db_text(&rows, i, "key_id");
			out->sealed[k].bytes = db_bytes(a, &rows, i, "ciphertext", &out->sealed[k].len);
		}
	}
	return ST_OK;
}

static json_t *params_json(const struct server *s)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < s->ntoken_body_params; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "name", s->token_body_params[i].name,
						     "value", s->token_body_params[i].value));
	return arr;
}

/* The document azure_put stores (and the audit trail shows). */
static json_t *server_doc(const struct server *s)
{
	json_t *d = db_fields_doc(doc_fields, DB_NFIELDS(doc_fields), s);
	json_object_set_new(d, "tokenBodyParameters", params_json(s));
	return d;
}

static json_t *secrets_json(arena_t *a, const struct azure_secrets *x)
{
	json_t *o = json_object();
	for (int k = 0; k < AZURE_SECRETS; k++) {
		if (x->change[k] == AZURE_SECRET_REMOVE)
			json_object_set_new(o, db_azure_secret_names[k], json_null());
		else if (x->change[k] == AZURE_SECRET_SET)
			json_object_set_new(o, db_azure_secret_names[k], json_pack("{s:s,s:s}",
				"key_id", x->sealed[k].key_id,
				"ciphertext", crypto_hex(a, x->sealed[k].bytes, x->sealed[k].len)));
	}
	return o;
}

/* api.azure_put and azure_delete take NULL (no If-Match), -1 (*), -2 (never matches) or a
 * version, as text. */
static const char *expected_text(arena_t *a, int expected)
{
	if (expected == DB_AZURE_NO_PRECONDITION)
		return NULL;
	return arena_sprintf(a, "%d", expected == DB_AZURE_NO_VERSION ? -2 : expected);
}

static void put_args(struct db_args *p, arena_t *a, const struct azure_service *svc, const struct server *s,
		     int expected, const struct azure_secrets *secrets)
{
	db_args_fmt(p, a, "ttttjtj", SERVICE(svc), s->resource_name, server_doc(s), expected_text(a, expected),
		    secrets_json(a, secrets));
}

static status_t written(const struct db_rows *rows, struct azure_written *out)
{
	if (rows->n != 1)
		return ST_INTERNAL;
	out->version = (int)db_int(rows, 0, "version");
	out->created = db_bool(rows, 0, "created");
	out->name = db_text(rows, 0, "resource_name");
	out->svc.subscription_id = db_text(rows, 0, "subscription_id");
	out->svc.resource_group = db_text(rows, 0, "resource_group");
	out->svc.service_name = db_text(rows, 0, "service_name");
	return ST_OK;
}

status_t db_azure_patch(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
			const char *name, azure_patch_fn patch, void *ctx, struct azure_server *cur,
			struct azure_written *out)
{
	struct db_args p;
	struct db_rows rows;
	struct azure_secrets secrets;
	db_args_fmt(&p, a, "tttt", SERVICE(svc), name);
	status_t st = db_txn_open(db, a, caller, DB_STMT_AZURE_GET_LOCKED, &p, &rows);
	if (st != ST_OK)
		return st;
	memset(&secrets, 0, sizeof(secrets));
	st = one(a, &rows, cur);
	if (st == ST_OK)
		st = patch(ctx, cur, &secrets);
	if (st != ST_OK) {
		db_txn_abort(db);
		return st;
	}
	put_args(&p, a, svc, &cur->s, cur->s.version, &secrets);
	st = db_txn_commit(db, a, DB_STMT_AZURE_PUT, &p, &rows);
	return st != ST_OK ? st : written(&rows, out);
}

status_t db_azure_put(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
		      const struct server *s, int expected, const struct azure_secrets *secrets,
		      struct azure_written *out)
{
	struct db_args p;
	struct db_rows rows;
	put_args(&p, a, svc, s, expected, secrets);
	status_t st = db_run(db, a, caller, DB_STMT_AZURE_PUT, &p, &rows);
	if (st != ST_OK)
		return st;
	return written(&rows, out);
}

status_t db_azure_delete(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
			 const char *name, int expected, int *deleted)
{
	struct db_rows rows;
	status_t st = db_call(db, a, caller, DB_STMT_AZURE_DELETE, &rows, "ttttt", SERVICE(svc), name,
			      expected_text(a, expected));
	if (st == ST_OK)
		*deleted = db_bool(&rows, 0, "deleted");
	return st;
}

/* authzctl's statements (src/db/sql/tenant_*.sql, credential_*.sql, identity_*.sql). They
 * run as the service: each function names its tenant itself. */
#include "db/db_admin.h"

#include <string.h>

#include "db/db_internal.h"

/* A statement of text arguments (NULL-terminated), its rows into *out if given. */
static status_t run_texts(struct db *db, arena_t *a, enum db_stmt_id id, const char *const *texts, size_t n,
			  struct db_rows *out)
{
	struct db_args p;
	db_args_init(&p, a);
	for (size_t i = 0; i < n; i++)
		db_arg_text(&p, texts[i]);
	return db_run(db, a, NULL, id, &p, out);
}

status_t db_tenant_create(struct db *db, arena_t *a, const char *name, int64_t *id)
{
	struct db_rows rows;
	status_t st = run_texts(db, a, DB_STMT_TENANT_CREATE, &name, 1, &rows);
	if (st == ST_OK)
		*id = db_int(&rows, 0, "id");
	return st;
}

status_t db_tenant_rename(struct db *db, arena_t *a, const char *name, const char *new_name)
{
	const char *texts[2] = { name, new_name };
	return run_texts(db, a, DB_STMT_TENANT_RENAME, texts, 2, NULL);
}

status_t db_tenant_set_hosts(struct db *db, arena_t *a, const char *name, const char *const *hosts, size_t n)
{
	struct db_args p;
	db_args_init(&p, a);
	db_arg_text(&p, name);
	db_arg_text_array(&p, hosts, n);
	return db_run(db, a, NULL, DB_STMT_TENANT_SET_HOSTS, &p, NULL);
}

status_t db_tenant_lookup(struct db *db, arena_t *a, const char *name, int64_t *id)
{
	struct db_rows rows;
	status_t st = run_texts(db, a, DB_STMT_TENANT_LOOKUP, &name, 1, &rows);
	if (st == ST_OK)
		*id = db_int(&rows, 0, "id");
	return st;
}

status_t db_tenant_list(struct db *db, arena_t *a, struct tenant **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_run(db, a, NULL, DB_STMT_TENANT_LIST, NULL, &rows);
	if (st != ST_OK)
		return st;
	*out = arena_alloc(a, (size_t)(rows.n ? rows.n : 1) * sizeof(**out));
	*n = (size_t)rows.n;
	for (int i = 0; i < rows.n; i++) {
		struct tenant *t = &(*out)[i];
		t->id = db_int(&rows, i, "id");
		t->name = db_text(&rows, i, "name");
		t->created_us = db_int(&rows, i, "created_us");
		t->servers = (long)db_int(&rows, i, "servers");
		t->applications = (long)db_int(&rows, i, "applications");
		if (db_json_strings(a, db_json(a, &rows, i, "hosts"), &t->hosts, &t->nhosts) != 0)
			return ST_INTERNAL;
	}
	return ST_OK;
}

status_t db_credential_create(struct db *db, arena_t *a, const char *tenant, const char *client_id,
			      const unsigned char secret_hash[CRYPTO_SHA256_LEN], const char *const *scopes,
			      size_t nscopes, int ttl, const char *description, int64_t *tenant_id)
{
	struct db_args p;
	struct db_rows rows;
	db_args_init(&p, a);
	db_arg_text(&p, tenant);
	db_arg_text(&p, client_id);
	db_arg_bytes(&p, secret_hash, CRYPTO_SHA256_LEN);
	db_arg_text_array(&p, scopes, nscopes);
	db_arg_int(&p, ttl);
	db_arg_text(&p, description);
	status_t st = db_run(db, a, NULL, DB_STMT_CREDENTIAL_CREATE, &p, &rows);
	if (st == ST_OK)
		*tenant_id = db_int(&rows, 0, "tenant_id");
	return st;
}

status_t db_credential_list(struct db *db, arena_t *a, const char *tenant, struct credential_row **out, size_t *n)
{
	struct db_rows rows;
	status_t st = run_texts(db, a, DB_STMT_CREDENTIAL_LIST, &tenant, 1, &rows);
	if (st != ST_OK)
		return st;
	*out = arena_alloc(a, (size_t)(rows.n ? rows.n : 1) * sizeof(**out));
	*n = (size_t)rows.n;
	for (int i = 0; i < rows.n; i++) {
		struct credential_row *c = &(*out)[i];
		c->client_id = db_text(&rows, i, "client_id");
		c->tenant = db_text(&rows, i, "tenant");
		c->scopes = db_text(&rows, i, "scopes");
		c->description = db_text(&rows, i, "description");
		c->created_us = db_int(&rows, i, "created_us");
		c->last_used_us = db_int(&rows, i, "last_used_us");
		c->revoked_us = db_int(&rows, i, "revoked_us");
	}
	return ST_OK;
}

status_t db_credential_revoke(struct db *db, arena_t *a, const char *client_id)
{
	return run_texts(db, a, DB_STMT_CREDENTIAL_REVOKE, &client_id, 1, NULL);
}

status_t db_identity_create(struct db *db, arena_t *a, const char *tenant, const char *username,
			    const char *password_hash, const char *maximum_scope, const char **universal)
{
	struct db_rows rows;
	const char *texts[4] = { tenant, username, password_hash, maximum_scope };
	status_t st = run_texts(db, a, DB_STMT_IDENTITY_CREATE, texts, 4, &rows);
	if (st == ST_OK)
		*universal = db_text(&rows, 0, "universal");
	return st;
}

status_t db_identity_list(struct db *db, arena_t *a, const char *tenant, struct identity_row **out, size_t *n)
{
	struct db_rows rows;
	status_t st = run_texts(db, a, DB_STMT_IDENTITY_LIST, &tenant, 1, &rows);
	if (st != ST_OK)
		return st;
	*out = arena_alloc(a, (size_t)(rows.n ? rows.n : 1) * sizeof(**out));
	*n = (size_t)rows.n;
	for (int i = 0; i < rows.n; i++) {
		struct identity_row *r = &(*out)[i];
		r->universal = db_text(&rows, i, "universal");
		r->tenant = db_text(&rows, i, "tenant");
		r->username = db_text(&rows, i, "username");
		r->maximum_scope = db_text(&rows, i, "maximum_scope");
		r->enabled = db_bool(&rows, i, "enabled");
		r->created_us = db_int(&rows, i, "created_us");
	}
	return ST_OK;
}

status_t db_identity_disable(struct db *db, arena_t *a, const char *tenant, const char *username)
{
	const char *texts[2] = { tenant, username };
	return run_texts(db, a, DB_STMT_IDENTITY_DISABLE, texts, 2, NULL);
}

/* authzctl's statements (src/db/sql/tenant_*.sql, credential_*.sql, identity_*.sql). They
 * run as the service: each function names its tenant itself. */
#include "db/db_admin.h"

#include <string.h>

#include "db/db_internal.h"

/* A statement on a tenant's name whose result is that tenant's id. */
static status_t tenant_id_of(struct db *db, arena_t *a, enum db_stmt_id stmt, const char *name, int64_t *id)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, stmt, &rows, "t", name);
	if (st == ST_OK)
		*id = db_int(&rows, 0, "id");
	return st;
}

status_t db_tenant_create(struct db *db, arena_t *a, const char *name, int64_t *id)
{
	return tenant_id_of(db, a, DB_STMT_TENANT_CREATE, name, id);
}

status_t db_tenant_rename(struct db *db, arena_t *a, const char *name, const char *new_name)
{
	return db_call(db, a, NULL, DB_STMT_TENANT_RENAME, NULL, "tt", name, new_name);
}

status_t db_tenant_set_hosts(struct db *db, arena_t *a, const char *name, const char *const *hosts, size_t n)
{
	return db_call(db, a, NULL, DB_STMT_TENANT_SET_HOSTS, NULL, "ta", name, hosts, n);
}

status_t db_tenant_lookup(struct db *db, arena_t *a, const char *name, int64_t *id)
{
	return tenant_id_of(db, a, DB_STMT_TENANT_LOOKUP, name, id);
}

status_t db_tenant_list(struct db *db, arena_t *a, struct tenant **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_TENANT_LIST, &rows, "");
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
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_CREDENTIAL_CREATE, &rows, "ttha" "it", tenant, client_id,
			      secret_hash, scopes, nscopes, (int64_t)ttl, description);
	if (st == ST_OK)
		*tenant_id = db_int(&rows, 0, "tenant_id");
	return st;
}

status_t db_credential_list(struct db *db, arena_t *a, const char *tenant, struct credential_row **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_CREDENTIAL_LIST, &rows, "t", tenant);
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
	return db_call(db, a, NULL, DB_STMT_CREDENTIAL_REVOKE, NULL, "t", client_id);
}

status_t db_identity_create(struct db *db, arena_t *a, const char *tenant, const char *username,
			    const char *password_hash, const char *maximum_scope, const char **universal)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_IDENTITY_CREATE, &rows, "tttt", tenant, username, password_hash,
			      maximum_scope);
	if (st == ST_OK)
		*universal = db_text(&rows, 0, "universal");
	return st;
}

status_t db_identity_list(struct db *db, arena_t *a, const char *tenant, struct identity_row **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_IDENTITY_LIST, &rows, "t", tenant);
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
	return db_call(db, a, NULL, DB_STMT_IDENTITY_DISABLE, NULL, "tt", tenant, username);
}

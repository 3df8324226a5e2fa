/* authzctl's statements (src/db/sql/tenant_*.sql, credential_*.sql, identity_*.sql). They
 * run as the service: each function names its tenant itself. */
#include "db/db_admin.h"

#include <string.h>

#include "db/db_fields.h"

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

/* A listing statement (on one tenant, or every one for NULL) into an array by its map. */
static status_t list_of(struct db *db, arena_t *a, enum db_stmt_id stmt, const char *tenant,
			const struct db_field *map, size_t nmap, size_t size, void **out, size_t *n)
{
	struct db_rows rows;
	status_t st = stmt == DB_STMT_TENANT_LIST ? db_call(db, a, NULL, stmt, &rows, "")
						  : db_call(db, a, NULL, stmt, &rows, "t", tenant);
	return st != ST_OK ? st : db_fields_rows(a, &rows, map, nmap, NULL, size, out, n);
}

static const struct db_field tenant_fields[] = {
	DB_FIELD(struct tenant, id, "id", DB_F_INT64),
	DB_FIELD(struct tenant, name, "name", DB_F_TEXT),
	DB_FIELD(struct tenant, created_us, "created_us", DB_F_INT64),
	DB_FIELD(struct tenant, servers, "servers", DB_F_LONG),
	DB_FIELD(struct tenant, applications, "applications", DB_F_LONG),
	DB_FIELD(struct tenant, hosts, "hosts", DB_F_STRLIST),
};

status_t db_tenant_list(struct db *db, arena_t *a, struct tenant **out, size_t *n)
{
	return list_of(db, a, DB_STMT_TENANT_LIST, NULL, tenant_fields, DB_NFIELDS(tenant_fields),
		       sizeof(**out), (void **)out, n);
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

static const struct db_field credential_fields[] = {
	DB_FIELD(struct credential_row, client_id, "client_id", DB_F_TEXT),
	DB_FIELD(struct credential_row, tenant, "tenant", DB_F_TEXT),
	DB_FIELD(struct credential_row, scopes, "scopes", DB_F_TEXT),
	DB_FIELD(struct credential_row, description, "description", DB_F_TEXT),
	DB_FIELD(struct credential_row, created_us, "created_us", DB_F_INT64),
	DB_FIELD(struct credential_row, last_used_us, "last_used_us", DB_F_INT64),
	DB_FIELD(struct credential_row, revoked_us, "revoked_us", DB_F_INT64),
};

status_t db_credential_list(struct db *db, arena_t *a, const char *tenant, struct credential_row **out, size_t *n)
{
	return list_of(db, a, DB_STMT_CREDENTIAL_LIST, tenant, credential_fields, DB_NFIELDS(credential_fields),
		       sizeof(**out), (void **)out, n);
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

static const struct db_field identity_fields[] = {
	DB_FIELD(struct identity_row, universal, "universal", DB_F_TEXT),
	DB_FIELD(struct identity_row, tenant, "tenant", DB_F_TEXT),
	DB_FIELD(struct identity_row, username, "username", DB_F_TEXT),
	DB_FIELD(struct identity_row, maximum_scope, "maximum_scope", DB_F_TEXT),
	DB_FIELD(struct identity_row, enabled, "enabled", DB_F_BOOL),
	DB_FIELD(struct identity_row, created_us, "created_us", DB_F_INT64),
};

status_t db_identity_list(struct db *db, arena_t *a, const char *tenant, struct identity_row **out, size_t *n)
{
	return list_of(db, a, DB_STMT_IDENTITY_LIST, tenant, identity_fields, DB_NFIELDS(identity_fields),
		       sizeof(**out), (void **)out, n);
}

status_t db_identity_disable(struct db *db, arena_t *a, const char *tenant, const char *username)
{
	return db_call(db, a, NULL, DB_STMT_IDENTITY_DISABLE, NULL, "tt", tenant, username);
}

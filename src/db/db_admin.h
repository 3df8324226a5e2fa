/* What authzctl changes: tenants and their host names, management credentials, Venafi
 * identities (sql/api/60_admin.sql). A tenant is named by the operator and must exist:
 * ST_NOT_FOUND otherwise. */
#ifndef AUTHZD_DB_ADMIN_H
#define AUTHZD_DB_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "db/db.h"
#include "model/server.h"

struct tenant {
	int64_t id;
	const char *name;
	int64_t created_us;
	struct strlist hosts;
	long servers, applications;
};

/* ST_CONFLICT when the name is taken. */
status_t db_tenant_create(struct db *db, arena_t *a, const char *name, int64_t *id);
status_t db_tenant_rename(struct db *db, arena_t *a, const char *name, const char *new_name);
/* Replaces the tenant's host names; ST_CONFLICT when another tenant holds one. */
status_t db_tenant_set_hosts(struct db *db, arena_t *a, const char *name, const char *const *hosts, size_t n);
status_t db_tenant_list(struct db *db, arena_t *a, struct tenant **out, size_t *n);
status_t db_tenant_lookup(struct db *db, arena_t *a, const char *name, int64_t *id);

struct credential_row {
	const char *client_id, *tenant, *scopes, *description;
	int64_t created_us, last_used_us, revoked_us;   /* 0: never */
};

status_t db_credential_create(struct db *db, arena_t *a, const char *tenant, const char *client_id,
			      const unsigned char secret_hash[CRYPTO_SHA256_LEN], const char *const *scopes,
			      size_t nscopes, int ttl, const char *description, int64_t *tenant_id);
/* tenant NULL: every tenant's. */
status_t db_credential_list(struct db *db, arena_t *a, const char *tenant, struct credential_row **out, size_t *n);
/* ST_NOT_FOUND if no such active credential. Its tokens stop working at once. */
status_t db_credential_revoke(struct db *db, arena_t *a, const char *client_id);

struct identity_row {
	const char *universal, *tenant, *username, *maximum_scope;
	int enabled;
	int64_t created_us;
};

/* *universal gets "local:{uuid}". ST_CONFLICT: the username exists in the tenant. */
status_t db_identity_create(struct db *db, arena_t *a, const char *tenant, const char *username,
			    const char *password_hash, const char *maximum_scope, const char **universal);
status_t db_identity_list(struct db *db, arena_t *a, const char *tenant, struct identity_row **out, size_t *n);
/* ST_NOT_FOUND if no such enabled identity. Its tokens stop working at once. */
status_t db_identity_disable(struct db *db, arena_t *a, const char *tenant, const char *username);

#endif

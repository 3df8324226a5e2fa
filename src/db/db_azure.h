/* Storage of servers as Azure API Management sees them: by service triple and name,
 * with method lists, token body parameters, sealed secrets and versions (ETags). Each
 * call is one statement that also checks the caller's token and tenant. */
#ifndef AUTHZD_DB_AZURE_H
#define AUTHZD_DB_AZURE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "auth/auth.h"
#include "db/db.h"
#include "model/server.h"
#include "status.h"

struct azure_service {
	const char *subscription_id;
	const char *resource_group;
	const char *service_name;
};

/* Version preconditions for writes. */
#define DB_AZURE_ANY_VERSION (-1)     /* If-Match: *  (the entity must exist) */
#define DB_AZURE_NO_PRECONDITION (-2) /* no If-Match */

/* Filled by get and list; svc_* carry the service's stored spelling. */
struct azure_server {
	struct server s;
	const char *svc_subscription_id, *svc_resource_group, *svc_service_name;
};

/* ST_NOT_FOUND if the tenant owns no such service or server. */
status_t db_azure_get(struct db *db, arena_t *a, struct auth *auth, const struct azure_service *svc,
		      const char *name, struct azure_server *out);

/* filter_json: {"name":{"eq":[..],"contains":[..],...},"displayName":{...}} or NULL. */
status_t db_azure_list(struct db *db, arena_t *a, struct auth *auth, const struct azure_service *svc,
		       const char *filter_json, int top, int skip, struct azure_server **out,
		       size_t *n, long *total);

/* The sealed secrets of a server: JSON text [{"name","key_id","ct"}], and its version. */
status_t db_azure_secrets(struct db *db, arena_t *a, struct auth *auth, const struct azure_service *svc,
			  const char *name, const char **secrets_json, int *version);

/* What a write stored: new or not, the new version, and the stored spellings. */
struct azure_written {
	int created;
	int version;
	struct azure_service svc;
	const char *name;
};

/* Creates (if create is set) or replaces server s->resource_name in svc. Secrets: NULL
 * keeps, "\\x" removes, a bytea literal sets (sealed with key_id). expected_version is a
 * version, DB_AZURE_ANY_VERSION or DB_AZURE_NO_PRECONDITION. Returns ST_NOT_FOUND,
 * ST_PRECONDITION_FAILED or ST_OK with *out filled. */
status_t db_azure_put(struct db *db, arena_t *a, struct auth *auth, const struct azure_service *svc,
		      const struct server *s, int expected_version, int create, const char *key_id,
		      const char *sealed[3], struct azure_written *out);

/* ST_OK (deleted), ST_NOT_FOUND (no such service), ST_PRECONDITION_FAILED; *deleted is 0
 * when there was nothing to delete. */
status_t db_azure_delete(struct db *db, arena_t *a, struct auth *auth, const struct azure_service *svc,
			 const char *name, int expected_version, int *deleted);

#endif

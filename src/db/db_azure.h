/* Servers as Azure API Management stores them: by service triple and name, with method
 * lists, token body parameters, sealed secrets and versions (ETags). Every call runs as the
 * caller; writes are sql/api/20_azure.sql. */
#ifndef AUTHZD_DB_AZURE_H
#define AUTHZD_DB_AZURE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/caller.h"
#include "core/secretbox.h"
#include "db/db.h"
#include "model/server.h"

struct azure_service {
	const char *subscription_id;
	const char *resource_group;
	const char *service_name;
};

/* Version preconditions for writes. */
#define DB_AZURE_ANY_VERSION (-1)     /* If-Match: *  (the entity must exist) */
#define DB_AZURE_NO_PRECONDITION (-2) /* no If-Match */
#define DB_AZURE_NO_VERSION (-3)      /* an If-Match naming no version of ours: never matches */

/* Filled by get and list; svc carries the service's stored spelling. */
struct azure_server {
	struct server s;
	struct azure_service svc;
};

/* A parsed $filter: clauses on name or displayName, all of which must hold. */
enum azure_filter_field { AZURE_FILTER_NAME, AZURE_FILTER_DISPLAY_NAME };
enum azure_filter_op { AZF_EQ, AZF_NE, AZF_GT, AZF_LT, AZF_GE, AZF_LE, AZF_CONTAINS, AZF_STARTSWITH, AZF_ENDSWITH };
#define AZURE_FILTER_MAX 32
struct azure_filter {
	struct {
		enum azure_filter_field field;
		enum azure_filter_op op;
		const char *value;
	} clauses[AZURE_FILTER_MAX];
	size_t n;
};

/* ST_NOT_FOUND if the tenant owns no such service or server. */
status_t db_azure_get(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
		      const char *name, struct azure_server *out);

/* filter may be NULL. ST_NOT_FOUND if the tenant owns no such service. */
status_t db_azure_list(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
		       const struct azure_filter *filter, int top, int skip, struct azure_server **out,
		       size_t *n, long *total);

/* One of a server's secrets as a write changes it. */
enum azure_secret_change { AZURE_SECRET_KEEP, AZURE_SECRET_REMOVE, AZURE_SECRET_SET };
#define AZURE_SECRETS 3
extern const char *const db_azure_secret_names[AZURE_SECRETS];   /* client_secret, ... */
struct azure_secrets {
	enum azure_secret_change change[AZURE_SECRETS];
	struct sealed sealed[AZURE_SECRETS];     /* AZURE_SECRET_SET */
};

/* The sealed secrets of a server (change SET where one is stored) and its version. */
status_t db_azure_secrets(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
			  const char *name, struct azure_secrets *out, int *version);

/* What a write stored: new or not, the new version, and the stored spellings. */
struct azure_written {
	int created;
	int version;
	struct azure_service svc;
	const char *name;
};

/* Creates (when expected is DB_AZURE_NO_PRECONDITION) or replaces server s->resource_name
 * in svc. expected is a version, DB_AZURE_ANY_VERSION, DB_AZURE_NO_VERSION or
 * DB_AZURE_NO_PRECONDITION. Returns ST_NOT_FOUND, ST_PRECONDITION_FAILED or ST_OK with *out. */
status_t db_azure_put(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
		      const struct server *s, int expected, const struct azure_secrets *secrets,
		      struct azure_written *out);

/* PATCH: reads the server under its row lock, lets patch merge and validate (and seal the
 * secrets it names), then writes it back before anyone else may: concurrent patches queue
 * and each applies to the previous one's result. What patch returns, other than ST_OK,
 * ends it with nothing written. *cur holds the merged server. */
typedef status_t (*azure_patch_fn)(void *ctx, struct azure_server *cur, struct azure_secrets *secrets);
status_t db_azure_patch(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
			const char *name, azure_patch_fn patch, void *ctx, struct azure_server *cur,
			struct azure_written *out);

/* ST_OK (*deleted 0 when there was nothing to delete), ST_NOT_FOUND (no such service),
 * ST_PRECONDITION_FAILED. */
status_t db_azure_delete(struct db *db, arena_t *a, struct caller *caller, const struct azure_service *svc,
			 const char *name, int expected, int *deleted);

#endif

/* The authzd-native management API's reads and writes (/api/authzd/v1): who the caller is,
 * the tenant's audit trail, an application's secrets (added and retired while the others
 * keep working) and a server's signing keys with their states. Every call runs as the caller, confined to its tenant. */
#ifndef AUTHZD_DB_NATIVE_H
#define AUTHZD_DB_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/caller.h"
#include "db/db.h"

struct db_me {
	const char *client_id, *tenant;
	json_t *scopes;                 /* array of strings, arena owned */
};
/* The caller's credential. ST_NOT_FOUND when the caller is no credential. */
status_t db_native_me(struct db *db, arena_t *a, struct caller *caller, struct db_me *out);

struct db_audit_event {
	int64_t id, occurred_us;
	const char *actor, *action, *object_type, *object_id;   /* actor, object_id may be NULL */
	json_t *before, *after;                                  /* arena owned, may be NULL */
};
/* Filters left NULL match every event; before_id 0 starts from the newest. Newest first. */
struct db_audit_filter {
	const char *object_type, *object_id, *actor;
	int64_t before_id;
	int limit;
};
status_t db_native_audit(struct db *db, arena_t *a, struct caller *caller, const struct db_audit_filter *f,
			 struct db_audit_event **out, size_t *n);

struct db_app_secret {
	int64_t id, created_us, expires_us, last_used_us;       /* 0: never / no expiry */
};
/* The secrets of application app_id, oldest first. ST_NOT_FOUND: no such application. */
status_t db_native_secrets(struct db *db, arena_t *a, struct caller *caller, int64_t app_id,
			   struct db_app_secret **out, size_t *n);
/* A new secret from its SHA-256; fills out's id and creation time. */
status_t db_native_secret_add(struct db *db, arena_t *a, struct caller *caller, int64_t app_id,
			      const unsigned char *hash, struct db_app_secret *out);
/* ST_NOT_FOUND: no such application or secret; ST_CONFLICT: it is the application's last. */
status_t db_native_secret_retire(struct db *db, arena_t *a, struct caller *caller, int64_t app_id,
				 int64_t secret_id);

struct db_server_key {
	const char *kid, *alg, *state;                          /* state: next, current, previous */
	int64_t published_us, signs_from_us;
};
/* The keys of server_id's ring, newest first (none before the ring is made). ST_NOT_FOUND:
 * no such server in the caller's tenant. */
status_t db_native_server_keys(struct db *db, arena_t *a, struct caller *caller, int64_t server_id,
			       struct db_server_key **out, size_t *n);

#endif

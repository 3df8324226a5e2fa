/* What a route needs from its caller, and the management scopes that grant it. This is the
 * only place scope names live: credentials carry them (authzctl), the route table names an
 * access level, and the caller check receives the names that satisfy it. */
#ifndef AUTHZD_ACCESS_H
#define AUTHZD_ACCESS_H

#include <stddef.h>

enum access {
	ACCESS_PUBLIC = 0,      /* no bearer token (probes, token endpoints) */
	ACCESS_READ,            /* "Read All" or "Manage All" */
	ACCESS_MANAGE,          /* "Manage All" */
	ACCESS_VENAFI_ADMIN,    /* "Manage All", or a Venafi token whose grant holds admin */
};

/* The scopes a management credential may carry, NULL-terminated. */
extern const char *const access_scope_names[];
/* 1 if name is one of them. */
int access_scope_known(const char *name);

/* The credential scopes that grant access, NULL-terminated. */
const char *const *access_credential_scopes(enum access access);
/* The Venafi grant scope names that grant it (NULL-terminated), or NULL when Venafi tokens
 * are refused for it. */
const char *const *access_grant_scopes(enum access access);
/* Elements of a NULL-terminated list. */
size_t access_count(const char *const *list);

#endif

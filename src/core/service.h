/* What a worker hands every handler: its configuration and its database connection. The
 * process layer fills it; every layer below only reads it. */
#ifndef AUTHZD_SERVICE_H
#define AUTHZD_SERVICE_H

struct config;
struct db;

struct service {
	const struct config *cfg;
	struct db *db;
};

#endif

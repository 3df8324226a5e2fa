/* What a worker hands every request: its configuration, database and route table. */
#ifndef AUTHZD_SERVICE_H
#define AUTHZD_SERVICE_H

struct config;
struct db;
struct router;

struct service {
	const struct config *cfg;
	struct db *db;
	const struct router *router;
};

#endif

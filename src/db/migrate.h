/* Schema migrations: sql/NNNN_name.sql applied in order, each in its own transaction. */
#ifndef AUTHZD_DB_MIGRATE_H
#define AUTHZD_DB_MIGRATE_H

#include <stdio.h>

/* Applies every migration in dir not yet recorded in schema_migrations, printing one line
 * per migration to out. Concurrent runs serialize on an advisory lock. Returns 0,
 * DB_MIGRATE_UNREACHABLE when it cannot connect, or -1 when a migration failed. */
#define DB_MIGRATE_UNREACHABLE (-2)
int db_migrate(const char *database_url, const char *dir, FILE *out);

#endif

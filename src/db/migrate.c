/* Migration runner. Numbered migrations (sql/NNNN_name.sql) change the schema once each;
 * then the api schema (every write as a function, in the files of sql/api) is dropped and created
 * again from its files, in one transaction, so those files are the functions' only
 * definition. These files are trusted DDL from our own tree, so this is the one place SQL
 * text is sent unprepared; the bookkeeping around it uses parameters. */
#include "db/migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#define MIGRATE_LOCK_KEY "72616"   /* any constant; shared by every authzctl */

static int is_sql_file(const struct dirent *d)
{
	size_t len = strlen(d->d_name);
	return len > 4 && d->d_name[0] != '.' && strcmp(d->d_name + len - 4, ".sql") == 0;
}

static int is_migration(const struct dirent *d)
{
	const char *n = d->d_name;
	size_t len = strlen(n);
	if (len < 10 || strcmp(n + len - 4, ".sql") != 0 || n[4] != '_')
		return 0;
	for (int i = 0; i < 4; i++)
		if (n[i] < '0' || n[i] > '9')
			return 0;
	return 1;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	char chunk[8192];
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + got + 1 > cap) {
			cap = (len + got + 1) * 2;
			char *nb = realloc(buf, cap);
			if (nb == NULL)
				abort();
			buf = nb;
		}
		memcpy(buf + len, chunk, got);
		len += got;
	}
	fclose(f);
	if (buf == NULL && (buf = calloc(1, 1)) == NULL)
		abort();
	buf[len] = '\0';
	return buf;
}

/* Runs sql; returns 0 if it succeeded, else prints the error and returns -1. */
static int run(PGconn *c, const char *sql, FILE *out, const char *what)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(out, "migrate: %s: %s", what, PQerrorMessage(c));
	PQclear(res);
	return ok ? 0 : -1;
}

static int applied(PGconn *c, const char *version, int *yes)
{
	const char *p[1] = { version };
	PGresult *res = PQexecParams(c, "SELECT 1 FROM schema_migrations WHERE version = $1",
				     1, NULL, p, NULL, NULL, 0);
	int ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	*yes = ok && PQntuples(res) > 0;
	PQclear(res);
	return ok ? 0 : -1;
}

static int record(PGconn *c, const char *version, const char *name)
{
	const char *p[2] = { version, name };
	PGresult *res = PQexecParams(c, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
				     2, NULL, p, NULL, NULL, 0);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok ? 0 : -1;
}

static int apply_one(PGconn *c, const char *dir, const char *file, FILE *out)
{
	char version[5];
	char path[4096];
	char *sql = NULL;
	int yes = 0, rc = -1;

	memcpy(version, file, 4);
	version[4] = '\0';
	if (run(c, "BEGIN", out, file) != 0)
		return -1;
	if (applied(c, version, &yes) != 0) {
		fprintf(out, "migrate: %s: %s", file, PQerrorMessage(c));
		goto out;
	}
	if (!yes) {
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if ((sql = read_file(path)) == NULL) {
			fprintf(out, "migrate: %s: %s\n", path, strerror(errno));
			goto out;
		}
		if (run(c, sql, out, file) != 0)
			goto out;
		if (record(c, version, file) != 0) {
			fprintf(out, "migrate: %s: %s", file, PQerrorMessage(c));
			goto out;
		}
	}
	rc = run(c, "COMMIT", out, file);
	if (rc == 0 && !yes)
		fprintf(out, "applied %s\n", file);
out:
	if (rc != 0)
		run(c, "ROLLBACK", out, file);
	free(sql);
	return rc;
}

/* Drops and re-creates schema api from the .sql files of dir/api, in one transaction. */
static int apply_api(PGconn *c, const char *dir, FILE *out)
{
	char path[4096];
	struct dirent **files = NULL;
	snprintf(path, sizeof(path), "%s/api", dir);
	int n = scandir(path, &files, is_sql_file, alphasort), rc = -1;
	if (n < 0) {
		fprintf(out, "migrate: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (run(c, "BEGIN", out, "api") != 0)
		goto out;
	rc = run(c, "DROP SCHEMA IF EXISTS api CASCADE", out, "api") == 0 &&
	     run(c, "CREATE SCHEMA api", out, "api") == 0 ? 0 : -1;
	for (int i = 0; i < n && rc == 0; i++) {
		snprintf(path, sizeof(path), "%s/api/%s", dir, files[i]->d_name);
		char *sql = read_file(path);
		if (sql == NULL) {
			fprintf(out, "migrate: %s: %s\n", path, strerror(errno));
			rc = -1;
			break;
		}
		rc = run(c, sql, out, files[i]->d_name);
		free(sql);
	}
	if (rc == 0)
		rc = run(c, "COMMIT", out, "api");
	if (rc != 0)
		run(c, "ROLLBACK", out, "api");
	else
		fprintf(out, "api: %d files\n", n);
out:
	for (int i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return rc;
}

int db_migrate(const char *database_url, const char *dir, FILE *out)
{
	struct dirent **files = NULL;
	int n = -1, rc = -1;
	PGconn *c = PQconnectdb(database_url);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(out, "migrate: connect: %s", PQerrorMessage(c));
		rc = DB_MIGRATE_UNREACHABLE;
		goto out;
	}
	if (run(c, "SET client_min_messages = warning", out, "settings") != 0 ||
	    run(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", out, "lock") != 0 ||
	    run(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
		   " version text PRIMARY KEY CHECK (version ~ '^[0-9]{4}$'),"
		   " name text NOT NULL,"
		   " applied_at timestamptz NOT NULL DEFAULT now())", out, "schema_migrations") != 0)
		goto out;
	n = scandir(dir, &files, is_migration, alphasort);
	if (n < 0) {
		fprintf(out, "migrate: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = apply_one(c, dir, files[i]->d_name, out);
	if (rc == 0)
		rc = apply_api(c, dir, out);
out:
	for (int i = 0; i < n; i++)
		free(files[i]);
	free(files);
	PQfinish(c);
	return rc;
}

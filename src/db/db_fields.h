/* Field maps: where each column of a statement's rows lands in a model struct, and which
 * model fields a write's JSON document carries. A reader or a document is a table, read
 * once per result (column numbers resolved once, not per row). Internal to db/. */
#ifndef AUTHZD_DB_FIELDS_H
#define AUTHZD_DB_FIELDS_H

#include <stddef.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/status.h"
#include "db/db_internal.h"

enum db_field_type {
	DB_F_TEXT,      /* const char *: NULL for SQL/JSON null */
	DB_F_INT64,     /* int64_t */
	DB_F_INT,       /* int */
	DB_F_LONG,      /* long */
	DB_F_BOOL,      /* int 0/1 */
	DB_F_TRI,       /* int -1 (null), 0, 1 */
	DB_F_STRLIST,   /* struct strlist: a JSON array of strings */
};

struct db_field {
	const char *name;          /* column, or document member */
	enum db_field_type type;
	size_t offset;             /* into the struct */
	int optional;              /* a column not every statement returns */
};

#define DB_FIELD(type_, member, name_, ftype) { name_, ftype, offsetof(type_, member), 0 }
#define DB_FIELD_OPT(type_, member, name_, ftype) { name_, ftype, offsetof(type_, member), 1 }
#define DB_FIELDS_MAX 40     /* the longest map */
#define DB_NFIELDS(map) (sizeof(map) / sizeof((map)[0]))

/* Row i of rows into out (whose other fields the caller has set). -1 if a value cannot be
 * read as its type (logged); absent optional columns leave their fields alone. a holds
 * what JSON columns decode into. */
int db_fields_read(arena_t *a, const struct db_rows *rows, int i, const struct db_field *map, size_t n,
		   void *out);

/* Rows [first, first+count) into a new arena array of count elements of size bytes, each
 * first copied from proto (the model's defaults) and then read by the map. */
int db_fields_read_all(arena_t *a, const struct db_rows *rows, int first, int count, const struct db_field *map,
		       size_t n, const void *proto, size_t size, void **out);

/* Every row of rows as db_fields_read_all does, and *n their count: ST_OK or ST_INTERNAL. */
status_t db_fields_rows(arena_t *a, const struct db_rows *rows, const struct db_field *map, size_t nmap,
			const void *proto, size_t size, void **out, size_t *n);

/* A call's result of at most one row, read by the map into out: st if the call failed,
 * none if there is no row (ST_NOT_FOUND, or ST_INTERNAL where one must be), ST_INTERNAL if
 * the row cannot be read. */
status_t db_fields_one(arena_t *a, status_t st, const struct db_rows *rows, const struct db_field *map, size_t n,
		       status_t none, void *out);

/* The JSON document (a new object) of the n mapped fields of in. */
json_t *db_fields_doc(const struct db_field *map, size_t n, const void *in);

#endif

/* Field maps: rows into structs and structs into documents, by table (db_fields.h). */
#include "db/db_fields.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "model/server.h"

#define AT(base, off, T) ((T *)(void *)((char *)(base) + (off)))
/* read-only access; for a string field T is char *, so the field reads as char *const */
#define AT_C(base, off, T) ((T const *)(const void *)((const char *)(base) + (off)))

/* One column's value into its field; -1 if it is not of the field's type. */
static int read_one(arena_t *a, const struct db_rows *rows, int i, int col, const struct db_field *f, void *out)
{
	int null = PQgetisnull(rows->res, i, col);
	const char *v = null ? NULL : PQgetvalue(rows->res, i, col);
	switch (f->type) {
	case DB_F_TEXT:
		*AT(out, f->offset, const char *) = v;
		return 0;
	case DB_F_INT64:
		*AT(out, f->offset, int64_t) = v ? strtoll(v, NULL, 10) : 0;
		return 0;
	case DB_F_INT:
		*AT(out, f->offset, int) = v ? (int)strtol(v, NULL, 10) : 0;
		return 0;
	case DB_F_LONG:
		*AT(out, f->offset, long) = v ? strtol(v, NULL, 10) : 0;
		return 0;
	case DB_F_BOOL:
		*AT(out, f->offset, int) = v != NULL && v[0] == 't';
		return 0;
	case DB_F_TRI:
		*AT(out, f->offset, int) = v == NULL ? -1 : v[0] == 't';
		return 0;
	case DB_F_STRLIST: {
		struct strlist *l = AT(out, f->offset, struct strlist);
		json_t *arr = v ? jsonx_arena_own(a, json_loads(v, JSON_DECODE_ANY, NULL)) : NULL;
		return db_json_strings(a, arr, &l->items, &l->n);
	}
	}
	return -1;
}

/* Column numbers of the map in rows: -1 for an absent optional one, -2 for a missing one. */
static void resolve(const struct db_rows *rows, const struct db_field *map, size_t n, int *cols)
{
	assert(n <= DB_FIELDS_MAX);
	for (size_t k = 0; k < n; k++) {
		cols[k] = PQfnumber(rows->res, map[k].name);
		if (cols[k] < 0 && !map[k].optional) {
			log_error("db: the statement has no column %s", map[k].name);
			cols[k] = -2;
		}
	}
}

static int read_row(arena_t *a, const struct db_rows *rows, int i, const struct db_field *map, size_t n,
		    const int *cols, void *out)
{
	for (size_t k = 0; k < n; k++) {
		if (cols[k] == -2)
			return -1;
		if (cols[k] >= 0 && read_one(a, rows, i, cols[k], &map[k], out) != 0) {
			log_error("db: column %s of row %d is malformed", map[k].name, i);
			return -1;
		}
	}
	return 0;
}

int db_fields_read(arena_t *a, const struct db_rows *rows, int i, const struct db_field *map, size_t n,
		   void *out)
{
	int cols[DB_FIELDS_MAX];
	resolve(rows, map, n, cols);
	return read_row(a, rows, i, map, n, cols, out);
}

int db_fields_read_all(arena_t *a, const struct db_rows *rows, int first, int count, const struct db_field *map,
		       size_t n, const void *proto, size_t size, void **out)
{
	int cols[DB_FIELDS_MAX];
	char *items = arena_alloc(a, (size_t)(count > 0 ? count : 1) * size);
	resolve(rows, map, n, cols);
	*out = items;
	for (int k = 0; k < count; k++) {
		void *item = items + (size_t)k * size;
		if (proto)
			memcpy(item, proto, size);
		else
			memset(item, 0, size);
		if (read_row(a, rows, first + k, map, n, cols, item) != 0)
			return -1;
	}
	return 0;
}

status_t db_fields_one(arena_t *a, status_t st, const struct db_rows *rows, const struct db_field *map, size_t n,
		       status_t none, void *out)
{
	if (st != ST_OK)
		return st;
	if (rows->n != 1)
		return none;
	return db_fields_read(a, rows, 0, map, n, out) == 0 ? ST_OK : ST_INTERNAL;
}

status_t db_fields_rows(arena_t *a, const struct db_rows *rows, const struct db_field *map, size_t nmap,
			const void *proto, size_t size, void **out, size_t *n)
{
	*n = (size_t)rows->n;
	return db_fields_read_all(a, rows, 0, rows->n, map, nmap, proto, size, out) == 0 ? ST_OK : ST_INTERNAL;
}

json_t *db_fields_doc(const struct db_field *map, size_t n, const void *in)
{
	json_t *d = json_object();
	for (size_t k = 0; k < n; k++) {
		const struct db_field *f = &map[k];
		json_t *v = NULL;
		switch (f->type) {
		case DB_F_TEXT:
			v = jsonx_string_or_null(*AT_C(in, f->offset, char *));
			break;
		case DB_F_INT64:
			v = json_integer(*AT_C(in, f->offset, int64_t));
			break;
		case DB_F_INT:
			v = json_integer(*AT_C(in, f->offset, int));
			break;
		case DB_F_LONG:
			v = json_integer(*AT_C(in, f->offset, long));
			break;
		case DB_F_BOOL:
			v = json_boolean(*AT_C(in, f->offset, int));
			break;
		case DB_F_TRI: {
			int t = *AT_C(in, f->offset, int);
			v = t < 0 ? json_null() : json_boolean(t);
			break;
		}
		case DB_F_STRLIST: {
			const struct strlist *l = AT_C(in, f->offset, struct strlist);
			v = db_strings_array(l->items, l->n);
			break;
		}
		}
		json_object_set_new(d, f->name, v);
	}
	return d;
}

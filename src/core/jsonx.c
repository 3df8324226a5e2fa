/* Jansson glue. Dumping goes through a callback into an arena buffer so a response body
 * costs no malloc and no second serialization. */
#include "core/jsonx.h"

#include <string.h>

static void decref_cb(void *p)
{
	json_decref(p);
}

json_t *jsonx_arena_own(arena_t *a, json_t *v)
{
	if (v != NULL)
		arena_on_reset(a, decref_cb, v);
	return v;
}

struct dump_buf {
	arena_t *arena;
	char *p;
	size_t len, cap;
};

static int dump_cb(const char *buf, size_t size, void *data)
{
	struct dump_buf *d = data;
	arena_reserve(d->arena, &d->p, &d->cap, d->len, size + 1, 1024);
	memcpy(d->p + d->len, buf, size);
	d->len += size;
	return 0;
}

char *jsonx_dump(arena_t *a, const json_t *v, size_t *len)
{
	struct dump_buf d = { a, NULL, 0, 0 };
	if (v != NULL)
		json_dump_callback(v, dump_cb, &d, JSON_COMPACT | JSON_ENCODE_ANY);
	if (d.p == NULL) {
		d.p = arena_alloc(a, 1);
		d.len = 0;
	}
	d.p[d.len] = '\0';
	*len = d.len;
	return d.p;
}

json_t *jsonx_string_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

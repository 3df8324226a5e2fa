/* Jansson glue: tie a value's lifetime to the request arena, and dump into the arena. */
#ifndef AUTHZD_JSONX_H
#define AUTHZD_JSONX_H

#include <stddef.h>

#include <jansson.h>

#include "core/arena.h"

/* The arena takes over one reference to v; returns v for chaining. */
json_t *jsonx_arena_own(arena_t *a, json_t *v);
/* Compact JSON of v in the arena, NUL-terminated; *len gets its length. */
char *jsonx_dump(arena_t *a, const json_t *v, size_t *len);
/* json_string for possibly-NULL s (NULL becomes JSON null). */
json_t *jsonx_string_or_null(const char *s);

#endif

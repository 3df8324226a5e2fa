/* Per-request memory: a bump allocator with cleanup hooks, reset once after each response.
 * Nothing allocated here outlives the request; out-of-memory aborts (like palloc). */
#ifndef AUTHZD_ARENA_H
#define AUTHZD_ARENA_H

#include <stddef.h>

typedef struct arena arena_t;
typedef void (*arena_cleanup_fn)(void *ptr);

arena_t *arena_create(size_t first_block);
/* Runs cleanups (newest first) and frees all but the first block, ready for the next request. */
void arena_reset(arena_t *a);
void arena_destroy(arena_t *a);

void *arena_alloc(arena_t *a, size_t size);          /* 16-byte aligned, uninitialised */
void *arena_zalloc(arena_t *a, size_t size);
char *arena_strdup(arena_t *a, const char *s);
char *arena_strndup(arena_t *a, const char *s, size_t n);
char *arena_sprintf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A growable buffer in the arena: makes room for need more bytes after len in *buf
 * (capacity *cap, doubled from first), copying what it holds; the old block stays until
 * reset. */
void arena_reserve(arena_t *a, char **buf, size_t *cap, size_t len, size_t need, size_t first);
/* Registers fn(ptr) to run at reset/destroy; the arena then owns ptr. */
void arena_on_reset(arena_t *a, arena_cleanup_fn fn, void *ptr);
size_t arena_bytes_used(const arena_t *a);

#endif

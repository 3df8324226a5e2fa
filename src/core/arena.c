/* Request arena: blocks of bump-allocated memory plus a cleanup list (cf. ngx_pool_t and
 * PostgreSQL's MessageContext). The first block is kept across resets so a steady-state
 * request costs no malloc at all. Under AddressSanitizer every allocation is followed by a
 * poisoned red zone and a reset poisons the block again (as PostgreSQL marks its memory
 * contexts for Valgrind), so an overrun into the next allocation or a use after reset is
 * reported where it happens. */
#include "core/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define REDZONE ARENA_ALIGN
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define REDZONE 0
#endif

struct block {
	struct block *next;
	size_t size;
	size_t used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct cleanup {
	struct cleanup *next;
	arena_cleanup_fn fn;
	void *ptr;
};

struct arena {
	struct block *head;     /* current block; the first block is last in the chain */
	struct block *first;
	struct cleanup *cleanups;
	size_t block_size;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (p == NULL)
		abort();
	return p;
}

static struct block *block_new(size_t size)
{
	struct block *b = xmalloc(sizeof(*b) + size);
	b->next = NULL;
	b->size = size;
	b->used = 0;
	ASAN_POISON_MEMORY_REGION(b->data, size);
	return b;
}

arena_t *arena_create(size_t first_block)
{
	arena_t *a = xmalloc(sizeof(*a));
	if (first_block < 1024)
		first_block = 1024;
	a->block_size = first_block;
	a->first = a->head = block_new(first_block);
	a->cleanups = NULL;
	return a;
}

static void run_cleanups(arena_t *a)
{
	/* A cleanup may not allocate from the arena, so the list is stable while we walk it. */
	struct cleanup *c = a->cleanups;
	while (c != NULL) {
		c->fn(c->ptr);
		c = c->next;
	}
	a->cleanups = NULL;
}

void arena_reset(arena_t *a)
{
	if (a == NULL)
		return;
	run_cleanups(a);
	struct block *b = a->head;
	while (b != a->first) {
		struct block *next = b->next;
		ASAN_UNPOISON_MEMORY_REGION(b->data, b->size);
		free(b);
		b = next;
	}
	a->head = a->first;
	a->first->used = 0;
	ASAN_POISON_MEMORY_REGION(a->first->data, a->first->size);
}

void arena_destroy(arena_t *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	ASAN_UNPOISON_MEMORY_REGION(a->first->data, a->first->size);
	free(a->first);
	free(a);
}

void *arena_alloc(arena_t *a, size_t size)
{
	size_t need = (size + REDZONE + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < size)
		abort();
	struct block *b = a->head;
	if (b->size - b->used < need) {
		size_t bs = need > a->block_size ? need : a->block_size;
		struct block *nb = block_new(bs);
		nb->next = a->head;
		a->head = nb;
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += need;
	ASAN_UNPOISON_MEMORY_REGION(p, size);
	return p;
}

void *arena_zalloc(arena_t *a, size_t size)
{
	void *p = arena_alloc(a, size);
	memset(p, 0, size);
	return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena_t *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

char *arena_sprintf(arena_t *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_on_reset(arena_t *a, arena_cleanup_fn fn, void *ptr)
{
	struct cleanup *c = arena_alloc(a, sizeof(*c));
	c->fn = fn;
	c->ptr = ptr;
	c->next = a->cleanups;
	a->cleanups = c;
}

size_t arena_bytes_used(const arena_t *a)
{
	size_t n = 0;
	for (const struct block *b = a->head; b != NULL; b = b->next)
		n += b->used;
	return n;
}

void arena_reserve(arena_t *a, char **buf, size_t *cap, size_t len, size_t need, size_t first)
{
	if (len + need <= *cap)
		return;
	size_t c = *cap ? *cap * 2 : first;
	while (c < len + need)
		c *= 2;
	char *nb = arena_alloc(a, c);
	if (len)
		memcpy(nb, *buf, len);
	*buf = nb;
	*cap = c;
}

/* Venafi TPP scope strings: name[:restriction[,restriction...]][;name...]. A bare name
 * grants read only; each restriction adds one right. Parsing knows the whole scope table,
 * so an unknown name or restriction is refused rather than ignored. */
#ifndef AUTHZD_VENAFI_SCOPE_H
#define AUTHZD_VENAFI_SCOPE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define VSCOPE_NAMES 11

struct vscope {
	uint16_t names;                   /* bit i: scope table row i is present */
	uint16_t rights[VSCOPE_NAMES];    /* per present name: restriction bits */
};

/* Parses s (names and restrictions case-insensitive; spaces around parts allowed; a name
 * given twice merges). Returns 0, or -1 with a message in *err (arena) for an empty scope,
 * an empty part, or an unknown name or restriction. */
int vscope_parse(arena_t *a, const char *s, struct vscope *out, const char **err);
/* 1 if every name of inner is in outer with at least inner's restrictions. */
int vscope_fits(const struct vscope *inner, const struct vscope *outer);
/* The union of two scopes. */
struct vscope vscope_union(const struct vscope *x, const struct vscope *y);
/* 1 if the scope has name (e.g. "admin"), with any restrictions. */
int vscope_has(const struct vscope *s, const char *name);
/* Canonical text: table order, restrictions in table order ("certificate:discover,manage;ssh"). */
char *vscope_format(arena_t *a, const struct vscope *s);
/* The present names (static strings, table order) into names; returns how many. */
size_t vscope_names(const struct vscope *s, const char *names[VSCOPE_NAMES]);

/* The scope table, for GetScopes: row i's name and NULL-terminated restrictions. */
const char *vscope_table_name(int i);
const char *const *vscope_table_restrictions(int i);

#endif

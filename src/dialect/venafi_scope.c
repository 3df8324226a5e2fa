/* The Venafi scope table and the parser over it. Sets are bit masks, so "fits" is two
 * mask tests per name and no allocation. */
#include "dialect/venafi_scope.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	const char *const restrictions[6];
} table[VSCOPE_NAMES] = {
	{ "admin", { "grantrights", "viewlogs", NULL } },
	{ "agent", { "delete", NULL } },
	{ "certificate", { "approve", "delete", "discover", "manage", "revoke", NULL } },
	{ "codesign", { "admin", "approve", "delete", "manage", NULL } },
	{ "codesignclient", { NULL } },
	{ "configuration", { "delete", "manage", NULL } },
	{ "restricted", { "delete", "manage", NULL } },
	{ "security", { "delete", "manage", NULL } },
	{ "ssh", { "approve", "delete", "discover", "manage", NULL } },
	{ "statistics", { "manage", "sensitive", NULL } },
	{ NULL, { NULL } },     /* spare row keeps VSCOPE_NAMES a constant the tests can use */
};

const char *vscope_table_name(int i)
{
	return i >= 0 && i < VSCOPE_NAMES ? table[i].name : NULL;
}

const char *const *vscope_table_restrictions(int i)
{
	return table[i].restrictions;
}

/* Trims spaces from [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

static int find_name(const char *s, size_t n)
{
	for (int i = 0; i < VSCOPE_NAMES && table[i].name; i++)
		if (strlen(table[i].name) == n && strncasecmp(table[i].name, s, n) == 0)
			return i;
	return -1;
}

static int find_restriction(int row, const char *s, size_t n)
{
	for (int j = 0; table[row].restrictions[j]; j++)
		if (strlen(table[row].restrictions[j]) == n && strncasecmp(table[row].restrictions[j], s, n) == 0)
			return j;
	return -1;
}

int vscope_parse(arena_t *a, const char *s, struct vscope *out, const char **err)
{
	memset(out, 0, sizeof(*out));
	if (s == NULL) {
		*err = "Scope is required";
		return -1;
	}
	const char *p = s, *end = s + strlen(s);
	const char *ts = p, *te = end;
	trim(&ts, &te);
	if (ts == te) {
		*err = "Scope is empty";
		return -1;
	}
	while (p <= end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *pe = semi ? semi : end;
		const char *colon = memchr(p, ':', (size_t)(pe - p));
		const char *ns = p, *ne = colon ? colon : pe;
		trim(&ns, &ne);
		if (ns == ne) {
			*err = arena_sprintf(a, "Scope '%s' has an empty part", s);
			return -1;
		}
		int row = find_name(ns, (size_t)(ne - ns));
		if (row < 0) {
			*err = arena_sprintf(a, "Unknown scope '%.*s'", (int)(ne - ns), ns);
			return -1;
		}
		out->names |= (uint16_t)(1u << row);
		if (colon != NULL) {
			const char *r = colon + 1;
			for (;;) {
				const char *comma = memchr(r, ',', (size_t)(pe - r));
				const char *rs = r, *re = comma ? comma : pe;
				trim(&rs, &re);
				int bit = rs == re ? -1 : find_restriction(row, rs, (size_t)(re - rs));
				if (bit < 0) {
					*err = arena_sprintf(a, "Unknown restriction '%.*s' for scope '%s'",
							     (int)(re - rs), rs, table[row].name);
					return -1;
				}
				out->rights[row] |= (uint16_t)(1u << bit);
				if (comma == NULL)
					break;
				r = comma + 1;
			}
		}
		if (semi == NULL)
			break;
		p = semi + 1;
	}
	return 0;
}

int vscope_fits(const struct vscope *inner, const struct vscope *outer)
{
	if ((inner->names & ~outer->names) != 0)
		return 0;
	for (int i = 0; i < VSCOPE_NAMES; i++)
		if ((inner->names & (1u << i)) && (inner->rights[i] & ~outer->rights[i]) != 0)
			return 0;
	return 1;
}

struct vscope vscope_union(const struct vscope *x, const struct vscope *y)
{
	struct vscope u;
	u.names = x->names | y->names;
	for (int i = 0; i < VSCOPE_NAMES; i++)
		u.rights[i] = x->rights[i] | y->rights[i];
	return u;
}

int vscope_has(const struct vscope *s, const char *name)
{
	int row = find_name(name, strlen(name));
	return row >= 0 && (s->names & (1u << row));
}

char *vscope_format(arena_t *a, const struct vscope *s)
{
	char *out = arena_alloc(a, 512);
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < VSCOPE_NAMES; i++) {
		if (!(s->names & (1u << i)))
			continue;
		o += (size_t)snprintf(out + o, 512 - o, "%s%s", o ? ";" : "", table[i].name);
		int first = 1;
		for (int j = 0; table[i].restrictions[j]; j++) {
			if (!(s->rights[i] & (1u << j)))
				continue;
			o += (size_t)snprintf(out + o, 512 - o, "%s%s", first ? ":" : ",", table[i].restrictions[j]);
			first = 0;
		}
	}
	return out;
}

size_t vscope_names(const struct vscope *s, const char *names[VSCOPE_NAMES])
{
	size_t n = 0;
	for (int i = 0; i < VSCOPE_NAMES; i++)
		if (s->names & (1u << i))
			names[n++] = table[i].name;
	return n;
}

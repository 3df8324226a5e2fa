/* fuzz_venafi_scope: the Venafi TPP scope grammar (vscope_parse, vscope_format,
 * vscope_fits, vscope_union, vscope_has, vscope_names) - what Scope and MaximumScope of an
 * application, and the scope of a /vedauth token request, go through.
 *
 * Input: two scope strings separated by the first '\n' (a NUL ends each, as JSON strings
 * without \u0000 never hold one).
 *
 * Invariants:
 *   - parse gives 0, or -1 with a message (valid UTF-8 when the input is: it is quoted
 *     back to the client);
 *   - only table rows are present, only their restrictions set (codesignclient has none);
 *   - round trip: vscope_format of a parsed scope parses to the same set, and formatting
 *     that gives the same text (a fixed point);
 *   - vscope_fits(x, x); x and y both fit in their union, the union is commutative, and
 *     vscope_fits(x, y) is the same as "the union of x and y is y";
 *   - vscope_has and vscope_names agree with the bits. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "dialect/venafi_scope.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct vscope *x, const struct vscope *y)
{
	if (x->names != y->names)
		return 0;
	for (int i = 0; i < VSCOPE_NAMES; i++)
		if ((x->names & (1u << i)) && x->rights[i] != y->rights[i])
			return 0;
	return 1;
}

static void check_shape(const struct vscope *s)
{
	for (int i = 0; i < VSCOPE_NAMES; i++) {
		const char *name = vscope_table_name(i);
		if (!(s->names & (1u << i))) {
			FUZZ_CHECK(s->rights[i] == 0);
			if (name != NULL)
				FUZZ_CHECK(!vscope_has(s, name));
			continue;
		}
		FUZZ_CHECK(name != NULL);
		FUZZ_CHECK(vscope_has(s, name));
		int nr = 0;
		for (const char *const *r = vscope_table_restrictions(i); *r; r++)
			nr++;
		FUZZ_CHECK((s->rights[i] >> nr) == 0);
	}
	FUZZ_CHECK((s->names >> VSCOPE_NAMES) == 0);
	const char *names[VSCOPE_NAMES];
	size_t n = vscope_names(s, names);
	FUZZ_CHECK(n == (size_t)__builtin_popcount(s->names));
	for (size_t k = 0; k < n; k++)
		FUZZ_CHECK(vscope_has(s, names[k]));
}

/* Parses s; on success checks the round trip and returns 1. */
static int parse_checked(arena_t *a, const char *s, struct vscope *out)
{
	const char *err = NULL;
	int rc = vscope_parse(a, s, out, &err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc != 0) {
		FUZZ_CHECK(err != NULL);
		if (utf8_valid(s, strlen(s)))
			fuzz_check_string(err);
		return 0;
	}
	FUZZ_CHECK(out->names != 0);
	check_shape(out);
	FUZZ_CHECK(vscope_fits(out, out));

	char *text = vscope_format(a, out);
	FUZZ_CHECK(text != NULL && text[0] != '\0');
	fuzz_check_string(text);
	struct vscope back;
	const char *err2 = NULL;
	FUZZ_CHECK(vscope_parse(a, text, &back, &err2) == 0);
	FUZZ_CHECK(same(out, &back));
	char *text2 = vscope_format(a, &back);
	FUZZ_CHECK(strcmp(text, text2) == 0);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n1 = nl ? (size_t)(nl - data) : size;
	char *s1 = fuzz_strndup(data, n1);
	char *s2 = nl ? fuzz_strndup(nl + 1, size - n1 - 1) : NULL;
	arena_t *a = arena_create(0);

	struct vscope x, y;
	int okx = parse_checked(a, s1, &x);
	int oky = s2 != NULL && parse_checked(a, s2, &y);
	if (okx && oky) {
		struct vscope u = vscope_union(&x, &y), u2 = vscope_union(&y, &x);
		check_shape(&u);
		FUZZ_CHECK(same(&u, &u2));
		FUZZ_CHECK(vscope_fits(&x, &u) && vscope_fits(&y, &u));
		FUZZ_CHECK(vscope_fits(&x, &y) == same(&u, &y));
		/* "a;b" is the union of a and b */
		struct vscope joined;
		const char *err = NULL;
		char *both = arena_sprintf(a, "%s;%s", vscope_format(a, &x), vscope_format(a, &y));
		FUZZ_CHECK(vscope_parse(a, both, &joined, &err) == 0);
		FUZZ_CHECK(same(&joined, &u));
	}

	arena_destroy(a);
	free(s1);
	free(s2);
	return 0;
}

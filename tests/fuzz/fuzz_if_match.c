/* fuzz_if_match: azure_if_match (If-Match: "*", entity tags strong or weak, quoted or bare,
 * lists) and azure_etag.
 *
 * Input: the If-Match header value (a NUL ends it, as in a FastCGI parameter); its first
 * four bytes are also read as a version for the azure_etag round trip.
 *
 * Invariants:
 *   - the result is a version >= 1, DB_AZURE_ANY_VERSION, DB_AZURE_NO_PRECONDITION (only
 *     for an absent or all-space value) or DB_AZURE_NO_VERSION;
 *   - for a version v > 0, the header holds azure_etag(v)'s 12 characters, and
 *     azure_if_match(azure_etag(v)) == v, also weak
 *     and bare;
 *   - for any int v: azure_if_match(azure_etag(v)) is v for v >= 1, else NO_VERSION; the
 *     tag is the quoted 12-character base64 of the 8-byte big-endian version. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "dialect/azure.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_result(int v)
{
	return v >= 1 || v == DB_AZURE_ANY_VERSION || v == DB_AZURE_NO_PRECONDITION || v == DB_AZURE_NO_VERSION;
}

static void check_etag(arena_t *a, int v)
{
	const char *tag = azure_etag(a, v);
	FUZZ_CHECK(tag != NULL && strlen(tag) == 14 && tag[0] == '"' && tag[13] == '"');
	int want = v >= 1 ? v : DB_AZURE_NO_VERSION;
	FUZZ_CHECK(azure_if_match(tag) == want);
	FUZZ_CHECK(azure_if_match(arena_sprintf(a, "W/%s", tag)) == want);
	FUZZ_CHECK(azure_if_match(arena_sprintf(a, "%.12s", tag + 1)) == want);
	FUZZ_CHECK(azure_if_match(arena_sprintf(a, "  %s  ", tag)) == want);
	FUZZ_CHECK(azure_if_match(arena_sprintf(a, "\"nope\", %s", tag)) == want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = fuzz_strndup(data, size);
	arena_t *a = arena_create(0);

	int v = azure_if_match(h);
	FUZZ_CHECK(is_result(v));
	size_t spaces = strspn(h, " ");
	if (v == DB_AZURE_NO_PRECONDITION)
		FUZZ_CHECK(h[spaces] == '\0');
	if (h[spaces] == '\0')
		FUZZ_CHECK(v == DB_AZURE_NO_PRECONDITION);
	if (v == DB_AZURE_ANY_VERSION)
		FUZZ_CHECK(h[spaces] == '*');
	if (v > 0) {
		const char *tag = azure_etag(a, v);
		/* a version comes only from a header that names its tag (quotes and W/ optional) */
		FUZZ_CHECK(strstr(h, arena_strndup(a, tag + 1, 12)) != NULL);
		check_etag(a, v);
	}
	FUZZ_CHECK(azure_if_match(NULL) == DB_AZURE_NO_PRECONDITION);

	if (size >= 4) {
		uint32_t u = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
		check_etag(a, (int)u);
	}

	arena_destroy(a);
	free(h);
	return 0;
}

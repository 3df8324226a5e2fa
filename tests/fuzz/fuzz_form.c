/* fuzz_form: http_form_parse (application/x-www-form-urlencoded bodies of the token
 * endpoints, and every query string) and http_percent_decode on arbitrary bytes.
 *
 * Input: the bytes are the form text itself (NULs included: a body may hold them).
 * Invariants:
 *   - the result is -1 or a count <= max, for several values of max; the pairs kept are
 *     the same prefix whatever max is, and -1 does not depend on max;
 *   - every name is non-empty, every name and value valid UTF-8 without NUL;
 *   - http_form_get / http_form_count agree with a scan of the pairs;
 *   - http_percent_decode of each raw part gives what the form parser kept;
 *   - src's utf8_valid agrees with an independent decoder on the raw bytes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "fuzz_common.h"
#include "http/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BIG 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	arena_t *a = arena_create(0);

	/* the validator under everything: differential against the reference decoder */
	FUZZ_CHECK(!utf8_valid(text, size) == !fuzz_utf8_ref(text, size));
	size_t prefix = utf8_valid_prefix(text, size);
	FUZZ_CHECK(prefix <= size);
	FUZZ_CHECK(fuzz_utf8_ref(text, prefix));
	FUZZ_CHECK(utf8_valid(text, prefix));

	struct query_pair big[MAX_BIG], small[4];
	int n = http_form_parse(a, text, size, big, MAX_BIG);
	int m = http_form_parse(a, text, size, small, 4);
	int z = http_form_parse(a, text, size, NULL, 0);
	FUZZ_CHECK(n >= -1 && n <= MAX_BIG);
	FUZZ_CHECK(m >= -1 && m <= 4);
	FUZZ_CHECK(z == -1 || z == 0);
	FUZZ_CHECK((n < 0) == (m < 0) && (n < 0) == (z < 0));
	if (n >= 0) {
		FUZZ_CHECK(m == (n < 4 ? n : 4));
		for (int i = 0; i < n; i++) {
			fuzz_check_string(big[i].name);
			fuzz_check_string(big[i].value);
			FUZZ_CHECK(big[i].name[0] != '\0');
			if (i < m) {
				FUZZ_CHECK(strcmp(big[i].name, small[i].name) == 0);
				FUZZ_CHECK(strcmp(big[i].value, small[i].value) == 0);
			}
			/* the first pair of a name is what http_form_get returns */
			size_t count = 0;
			int first = -1;
			for (int j = 0; j < n; j++)
				if (strcmp(big[j].name, big[i].name) == 0) {
					count++;
					if (first < 0)
						first = j;
				}
			FUZZ_CHECK(http_form_get(big, (size_t)n, big[i].name) == big[first].value);
			FUZZ_CHECK(http_form_count(big, (size_t)n, big[i].name) == count);
		}
	}

	/* what was kept, encoded again (every byte but letters and digits as %XX) and parsed
	 * again, is the same pairs: the parser loses nothing and invents nothing */
	if (n > 0) {
		size_t cap = 1;
		for (int i = 0; i < n; i++)
			cap += 3 * (strlen(big[i].name) + strlen(big[i].value)) + 2;
		char *enc = arena_alloc(a, cap), *o = enc;
		for (int i = 0; i < n; i++) {
			if (i > 0)
				*o++ = '&';
			for (int part = 0; part < 2; part++) {
				for (const unsigned char *c = (const unsigned char *)(part ? big[i].value : big[i].name); *c;
				     c++) {
					if (isalnum(*c))
						*o++ = (char)*c;
					else
						o += sprintf(o, "%%%02X", *c);
				}
				if (part == 0)
					*o++ = '=';
			}
		}
		*o = '\0';
		struct query_pair again[MAX_BIG];
		FUZZ_CHECK(http_form_parse(a, enc, (size_t)(o - enc), again, MAX_BIG) == n);
		for (int i = 0; i < n; i++)
			FUZZ_CHECK(strcmp(again[i].name, big[i].name) == 0 && strcmp(again[i].value, big[i].value) == 0);
	}

	/* the whole input as one path parameter (no '+' rule) */
	char *whole = http_percent_decode(a, text, size, 0);
	if (whole != NULL) {
		fuzz_check_string(whole);
		FUZZ_CHECK(strlen(whole) <= size);
		FUZZ_CHECK(memchr(text, '+', size) == NULL || strchr(whole, '+') != NULL);
	}

	arena_destroy(a);
	return 0;
}

/* fuzz_filter: azure_filter_parse, the OData $filter of GET .../authorizationServers, and
 * the 400 the Azure dialect renders for a filter it refuses.
 *
 * Input: the filter text (a NUL ends it: the product gets it from a decoded query value,
 * which never holds one). Inputs of tens of thousands of '(' check that nesting is bounded
 * without using the stack for each level.
 *
 * Invariants:
 *   - 0 with 1..AZURE_FILTER_MAX clauses, each a known field and operator and a non-NULL
 *     value that is a substring of the input with '' unescaped (so UTF-8 when the input
 *     is), or -1 with a message;
 *   - a parsed filter written back canonically ("name eq 'v''s' and contains(...)") parses
 *     to the same clauses;
 *   - more than 8 levels of parentheses are refused;
 *   - for UTF-8 input, the message of a refusal renders as the Azure ValidationError
 *     body the client gets (valid JSON). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "dialect/azure.h"
#include "dialect/dialect.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const op_names[] = { "eq", "ne", "gt", "lt", "ge", "le" };

/* The filter written back in a canonical spelling. */
static char *canonical(arena_t *a, const struct azure_filter *f)
{
	size_t cap = 64;
	for (size_t i = 0; i < f->n; i++)
		cap += 2 * strlen(f->clauses[i].value) + 48;
	char *out = arena_alloc(a, cap), *o = out;
	for (size_t i = 0; i < f->n; i++) {
		const char *field = f->clauses[i].field == AZURE_FILTER_NAME ? "name" : "displayName";
		enum azure_filter_op op = f->clauses[i].op;
		if (i)
			o += sprintf(o, " and ");
		if (op <= AZF_LE)
			o += sprintf(o, "%s %s '", field, op_names[op]);
		else
			o += sprintf(o, "%s(%s,'", op == AZF_CONTAINS ? "contains" : op == AZF_STARTSWITH ? "startswith" : "endswith",
				     field);
		for (const char *p = f->clauses[i].value; *p; p++) {
			if (*p == '\'')
				*o++ = '\'';
			*o++ = *p;
		}
		*o++ = '\'';
		if (op > AZF_LE)
			*o++ = ')';
		*o = '\0';
	}
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	size_t len = strlen(text);
	int utf8 = utf8_valid(text, len);
	arena_t *a = arena_create(0);

	struct azure_filter f;
	const char *err = NULL;
	int rc = azure_filter_parse(a, text, &f, &err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(f.n >= 1 && f.n <= AZURE_FILTER_MAX);
		for (size_t i = 0; i < f.n; i++) {
			FUZZ_CHECK(f.clauses[i].field == AZURE_FILTER_NAME || f.clauses[i].field == AZURE_FILTER_DISPLAY_NAME);
			FUZZ_CHECK(f.clauses[i].op >= AZF_EQ && f.clauses[i].op <= AZF_ENDSWITH);
			FUZZ_CHECK(f.clauses[i].value != NULL);
			FUZZ_CHECK(strlen(f.clauses[i].value) < len);
			if (utf8)
				fuzz_check_string(f.clauses[i].value);
		}
		/* nesting: count the deepest run of '(' outside string literals */
		int depth = 0, deepest = 0, in_str = 0;
		for (const char *p = text; *p; p++) {
			if (*p == '\'')
				in_str = !in_str;          /* '' toggles twice: fine */
			else if (!in_str && *p == '(')
				deepest = ++depth > deepest ? depth : deepest;
			else if (!in_str && *p == ')')
				depth--;
		}
		/* function calls add one level each; clause parentheses are bounded by 8 */
		FUZZ_CHECK(deepest <= 9);

		char *again_text = canonical(a, &f);
		struct azure_filter g;
		const char *err2 = NULL;
		FUZZ_CHECK(azure_filter_parse(a, again_text, &g, &err2) == 0);
		FUZZ_CHECK(g.n == f.n);
		for (size_t i = 0; i < f.n; i++) {
			FUZZ_CHECK(g.clauses[i].field == f.clauses[i].field);
			FUZZ_CHECK(g.clauses[i].op == f.clauses[i].op);
			FUZZ_CHECK(strcmp(g.clauses[i].value, f.clauses[i].value) == 0);
		}
	} else {
		FUZZ_CHECK(err != NULL);
		if (utf8) {
			fuzz_check_string(err);
			/* what azure_server_list answers */
			struct request r;
			http_request_init(&r, a, NULL);
			error_add_message(&r.err, "$filter", err);
			error_set(&r.err, ST_INVALID, NULL, NULL);
			fuzz_check_error_reply(&r, &dialect_azure);
		}
	}

	/* the bound on nesting holds however deep the input goes */
	if (size > 0 && (data[0] & 1)) {
		size_t deep = 9 + data[0] * 64u;
		char *nest = malloc(2 * deep + 16);
		FUZZ_CHECK(nest != NULL);
		memset(nest, '(', deep);
		memcpy(nest + deep, "name eq 'a'", 11);
		memset(nest + deep + 11, ')', deep);
		nest[2 * deep + 11] = '\0';
		FUZZ_CHECK(azure_filter_parse(a, nest, &f, &err) == -1);
		free(nest);
	}

	arena_destroy(a);
	free(text);
	return 0;
}

/* Helpers shared by the fuzz targets (see fuzz_common.h). */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/utf8.h"

void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "\n==fuzz== invariant broken at %s:%d: %s\n", file, line, what);
	fflush(stderr);
	abort();
}

int fuzz_utf8_ref(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		uint32_t cp, min;
		size_t len;
		if (c == 0)
			return 0;
		if ((c & 0x80) == 0) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			len = 2, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;              /* a continuation byte first, or 0xF8..0xFF */
		}
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += len;
	}
	return 1;
}

void fuzz_check_text(const char *s)
{
	if (s == NULL)
		return;
	size_t n = strlen(s);
	FUZZ_CHECK(utf8_valid(s, n));
	FUZZ_CHECK(fuzz_utf8_ref(s, n));
}

void fuzz_check_string(const char *s)
{
	FUZZ_CHECK(s != NULL);
	fuzz_check_text(s);
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s == NULL)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

size_t fuzz_split_lines(const uint8_t *data, size_t size, char **fields, size_t max)
{
	size_t n = 0, i = 0;
	for (size_t k = 0; k < max; k++)
		fields[k] = NULL;
	while (n < max && i <= size) {
		const uint8_t *nl = i < size ? memchr(data + i, '\n', size - i) : NULL;
		size_t end = nl ? (size_t)(nl - data) : size;
		/* the last field takes the rest, newlines included */
		if (n == max - 1)
			end = size;
		fields[n++] = fuzz_strndup(data + i, end - i);
		if (end >= size)
			break;
		i = end + 1;
	}
	return n;
}

void fuzz_fields_free(char **fields, size_t max)
{
	for (size_t k = 0; k < max; k++) {
		free(fields[k]);
		fields[k] = NULL;
	}
}

json_t *fuzz_check_json_reply(const struct request *r)
{
	FUZZ_CHECK(r->resp.body != NULL);
	FUZZ_CHECK(r->resp.body_len > 0);
	FUZZ_CHECK(strlen(r->resp.body) == r->resp.body_len);
	FUZZ_CHECK(fuzz_utf8_ref(r->resp.body, r->resp.body_len));
	json_error_t jerr;
	json_t *v = json_loadb(r->resp.body, r->resp.body_len, JSON_REJECT_DUPLICATES, &jerr);
	FUZZ_CHECK(v != NULL);
	FUZZ_CHECK(json_is_object(v));
	return v;
}

void fuzz_check_error_reply(struct request *r, const struct dialect *d)
{
	FUZZ_CHECK(d != NULL && d->reply_error != NULL);
	FUZZ_CHECK(r->err.status != ST_OK);
	fuzz_check_text(r->err.message);
	fuzz_check_text(r->err.field);
	for (size_t i = 0; i < r->err.ndetails && i < ERROR_MAX_DETAILS; i++) {
		fuzz_check_string(r->err.details[i].field);
		fuzz_check_text(r->err.details[i].message);
	}
	http_reply_reset(r);
	d->reply_error(r);
	FUZZ_CHECK(r->resp.status >= 400 && r->resp.status <= 599);
	json_t *v = fuzz_check_json_reply(r);
	json_decref(v);
}

status_t fuzz_json_body(arena_t *a, struct request *r, const char *text, size_t size, const char *ctype,
			json_t **body)
{
	http_request_init(r, a, NULL);
	r->content_type = ctype;
	r->body = text;
	r->body_len = size;
	*body = NULL;
	return http_body_json(r, body);
}

int fuzz_json_refused(struct request *r, status_t st, const json_t *body, const struct dialect *d,
		      const char *code)
{
	if (st == ST_OK)
		return 0;
	FUZZ_CHECK(body == NULL && st == ST_BAD_REQUEST);
	fuzz_check_string(r->err.message);
	if (code != NULL)
		r->err.field = code;
	fuzz_check_error_reply(r, d);
	FUZZ_CHECK(r->resp.status == 400);
	return 1;
}

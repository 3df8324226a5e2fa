/* Request helpers: method names, percent-decoding, the query string (parsed once, on
 * first use) and the JSON body with its content-type check. */
#include "http/request.h"

#include <string.h>
#include <strings.h>

#include "jsonx.h"

static const struct {
	unsigned bit;
	const char *name;
} methods[] = {
	{ HTTP_GET, "GET" }, { HTTP_HEAD, "HEAD" }, { HTTP_POST, "POST" }, { HTTP_PUT, "PUT" },
	{ HTTP_PATCH, "PATCH" }, { HTTP_DELETE, "DELETE" }, { HTTP_OPTIONS, "OPTIONS" },
};

void http_request_init(struct request *r, arena_t *a, struct service *svc)
{
	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->svc = svc;
	r->path = "/";
	r->query = "";
	r->body = "";
	r->scheme = "http";
	r->host = "localhost";
}

unsigned http_method_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i].name, name) == 0)
			return methods[i].bit;
	return 0;
}

const char *http_method_name(unsigned method)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].bit == method)
			return methods[i].name;
	return "?";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *http_percent_decode(arena_t *a, const char *s, size_t len, int form)
{
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= len)
				return NULL;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			c = (char)(hi * 16 + lo);
			if (c == '\0')
				return NULL;
			i += 2;
		} else if (c == '+' && form) {
			c = ' ';
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

size_t http_form_parse(arena_t *a, const char *text, size_t len, struct query_pair *pairs, size_t max)
{
	size_t n = 0;
	const char *p = text, *end = text + len;
	while (p < end && n < max) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		size_t plen = amp ? (size_t)(amp - p) : (size_t)(end - p);
		const char *eq = memchr(p, '=', plen);
		size_t nlen = eq ? (size_t)(eq - p) : plen;
		if (nlen > 0) {
			char *name = http_percent_decode(a, p, nlen, 1);
			char *value = eq ? http_percent_decode(a, eq + 1, plen - nlen - 1, 1)
					 : arena_strdup(a, "");
			/* A malformed pair is dropped rather than failing the request: it can
			 * only be a parameter we would not have understood anyway. */
			if (name != NULL && value != NULL) {
				pairs[n].name = name;
				pairs[n].value = value;
				n++;
			}
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return n;
}

const char *http_form_get(const struct query_pair *pairs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(pairs[i].name, name) == 0)
			return pairs[i].value;
	return NULL;
}

const char *http_query_get(struct request *r, const char *name)
{
	if (!r->query_parsed) {
		r->nquery = http_form_parse(r->arena, r->query, strlen(r->query), r->query_pairs,
					    HTTP_MAX_QUERY);
		r->query_parsed = 1;
	}
	return http_form_get(r->query_pairs, r->nquery, name);
}

int http_media_type_is(const char *ct, const char *type)
{
	if (ct == NULL)
		return 0;
	size_t n = strcspn(ct, ";");
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	return n == strlen(type) && strncasecmp(ct, type, n) == 0;
}

static int is_json_content_type(const char *ct)
{
	if (http_media_type_is(ct, "application/json"))
		return 1;
	/* application/merge-patch+json, application/problem+json ... */
	size_t n = ct ? strcspn(ct, ";") : 0;
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	return n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0;
}

status_t http_body_json(struct request *r, json_t **out)
{
	*out = NULL;
	if (!is_json_content_type(r->content_type))
		return error_set(&r->err, ST_BAD_REQUEST, NULL,
				 "Content-Type must be application/json");
	json_error_t jerr;
	json_t *v = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL)
		return error_set(&r->err, ST_BAD_REQUEST, NULL,
				 arena_sprintf(r->arena, "Malformed JSON: %s", jerr.text));
	jsonx_arena_own(r->arena, v);
	*out = v;
	return ST_OK;
}

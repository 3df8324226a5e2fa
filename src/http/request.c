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

static void parse_query(struct request *r)
{
	r->query_parsed = 1;
	const char *p = r->query;
	while (*p != '\0' && r->nquery < HTTP_MAX_QUERY) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t nlen = eq ? (size_t)(eq - p) : len;
		if (nlen > 0) {
			char *name = http_percent_decode(r->arena, p, nlen, 1);
			char *value = eq ? http_percent_decode(r->arena, eq + 1, len - nlen - 1, 1)
					 : arena_strdup(r->arena, "");
			/* A malformed pair is dropped rather than failing the request: it can
			 * only be a parameter we would not have understood anyway. */
			if (name != NULL && value != NULL) {
				r->query_pairs[r->nquery].name = name;
				r->query_pairs[r->nquery].value = value;
				r->nquery++;
			}
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
}

const char *http_query_get(struct request *r, const char *name)
{
	if (!r->query_parsed)
		parse_query(r);
	for (size_t i = 0; i < r->nquery; i++)
		if (strcmp(r->query_pairs[i].name, name) == 0)
			return r->query_pairs[i].value;
	return NULL;
}

static int is_json_content_type(const char *ct)
{
	if (ct == NULL)
		return 0;
	size_t n = strcspn(ct, ";");
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	if (n == strlen("application/json") && strncasecmp(ct, "application/json", n) == 0)
		return 1;
	/* application/merge-patch+json, application/problem+json ... */
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

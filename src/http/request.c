/* Request parsing: method names, the request line and headers checked once for UTF-8,
 * percent-decoding, the query string, form bodies, and the JSON body with its content-type
 * check. Nothing after this file sees a byte sequence that is not UTF-8. */
#include "http/request.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/crypto.h"
#include "core/jsonx.h"
#include "core/utf8.h"

static const struct {
	unsigned bit;
	const char *name;
} methods[] = {
	{ HTTP_GET, "GET" }, { HTTP_HEAD, "HEAD" }, { HTTP_POST, "POST" }, { HTTP_PUT, "PUT" },
	{ HTTP_PATCH, "PATCH" }, { HTTP_DELETE, "DELETE" }, { HTTP_OPTIONS, "OPTIONS" },
};

void http_request_init(struct request *r, arena_t *a, const struct service *svc)
{
	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->svc = svc;
	r->path = "/";
	r->query = "";
	r->body = "";
	r->method_name = "";
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
			hi = crypto_hexval(s[i + 1]);
			lo = crypto_hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && form) {
			c = ' ';
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return utf8_valid(out, o) ? out : NULL;
}

int http_form_parse(arena_t *a, const char *text, size_t len, struct query_pair *pairs, size_t max)
{
	size_t n = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		size_t plen = amp ? (size_t)(amp - p) : (size_t)(end - p);
		const char *eq = memchr(p, '=', plen);
		size_t nlen = eq ? (size_t)(eq - p) : plen;
		if (plen > 0) {
			char *name = http_percent_decode(a, p, nlen, 1);
			char *value = eq ? http_percent_decode(a, eq + 1, plen - nlen - 1, 1) : arena_strdup(a, "");
			if (name == NULL || value == NULL)
				return -1;
			/* pairs past max are parsed (and checked) but not kept */
			if (n < max && name[0] != '\0') {
				pairs[n].name = name;
				pairs[n].value = value;
				n++;
			}
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return (int)n;
}

const char *http_form_get(const struct query_pair *pairs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(pairs[i].name, name) == 0)
			return pairs[i].value;
	return NULL;
}

size_t http_form_count(const struct query_pair *pairs, size_t n, const char *name)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += strcmp(pairs[i].name, name) == 0;
	return k;
}

const char *http_query_get(const struct request *r, const char *name)
{
	return http_form_get(r->query_pairs, r->nquery, name);
}

static void mark(struct request *r, enum http_malformed why)
{
	if (r->malformed == HTTP_WELL_FORMED)
		r->malformed = why;
}

const char *http_request_header(struct request *r, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return NULL;
	if (!utf8_valid(value, strlen(value))) {
		mark(r, HTTP_BAD_HEADER);
		return NULL;
	}
	return value;
}

/* "Example.COM:8443" -> "example.com"; NULL unless it is a plain host name or IPv4 address
 * (anything else cannot name a tenant). */
static const char *host_name(arena_t *a, const char *host)
{
	if (host == NULL)
		return NULL;
	size_t n = strcspn(host, ":");
	if (n == 0 || n > 253)
		return NULL;
	char *out = arena_strndup(a, host, n);
	for (char *p = out; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return NULL;
		*p = (char)tolower((unsigned char)*p);
	}
	return out;
}

void http_request_parse(struct request *r, const char *method, const char *uri, const char *host)
{
	r->method_name = method ? method : "";
	r->method = method ? http_method_parse(method) : 0;
	if (uri != NULL) {
		const char *q = strchr(uri, '?');
		size_t plen = q ? (size_t)(q - uri) : strlen(uri);
		size_t valid = utf8_valid_prefix(uri, plen);
		/* a path that is not UTF-8 names nothing; its valid start still tells the dialect */
		r->path = arena_strndup(r->arena, uri, valid);
		if (valid < plen)
			mark(r, HTTP_BAD_PATH);
		r->query = q ? q + 1 : "";
	}
	int n = http_form_parse(r->arena, r->query, strlen(r->query), r->query_pairs, HTTP_MAX_QUERY);
	if (n < 0) {
		mark(r, HTTP_BAD_QUERY);
		n = 0;
	}
	r->nquery = (size_t)n;
	r->host = host_name(r->arena, host);
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
		return error_set(&r->err, ST_BAD_REQUEST, NULL, "Content-Type must be application/json");
	json_error_t jerr;
	json_t *v = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL) {
		/* Jansson quotes the bytes near the error, which need not be UTF-8 */
		const char *why = utf8_valid(jerr.text, strlen(jerr.text)) ? jerr.text : "invalid UTF-8";
		return error_set(&r->err, ST_BAD_REQUEST, NULL, arena_sprintf(r->arena, "Malformed JSON: %s", why));
	}
	jsonx_arena_own(r->arena, v);
	*out = v;
	return ST_OK;
}

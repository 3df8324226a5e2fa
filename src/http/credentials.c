/* Authorization header parsing. Values come from http_request_parse, so they are UTF-8;
 * what Basic decodes to is checked again before anyone sees it. */
#include "http/credentials.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/crypto.h"
#include "core/utf8.h"

static int is_lower_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return 1;
}

const char *http_bearer_token(const struct request *r)
{
	const char *h = r->authorization;
	if (h == NULL || strncasecmp(h, "bearer ", 7) != 0)
		return NULL;
	const char *token = h + 7;
	while (*token == ' ')
		token++;
	return is_lower_hex(token, HTTP_TOKEN_HEX_LEN) ? token : NULL;
}

int http_has_basic(const struct request *r)
{
	return r->authorization != NULL && strncasecmp(r->authorization, "basic ", 6) == 0;
}

/* "client_id:<id>, client_secret:<secret>" (OneLogin's own header form). */
static int parse_pair_header(struct request *r, const char *h, const char **id, const char **secret)
{
	const char *p = h;
	if (strncasecmp(p, "client_id:", 10) != 0)
		return -1;
	p += 10;
	while (*p == ' ')
		p++;
	const char *comma = strchr(p, ',');
	if (comma == NULL)
		return -1;
	const char *q = comma + 1;
	while (*q == ' ')
		q++;
	if (strncasecmp(q, "client_secret:", 14) != 0)
		return -1;
	q += 14;
	while (*q == ' ')
		q++;
	size_t idlen = (size_t)(comma - p);
	while (idlen > 0 && p[idlen - 1] == ' ')
		idlen--;
	if (idlen == 0 || *q == '\0')
		return -1;
	*id = arena_strndup(r->arena, p, idlen);
	*secret = arena_strdup(r->arena, q);
	return 0;
}

static int parse_basic(struct request *r, int decode, const char **id, const char **secret)
{
	const char *b64 = r->authorization + 6;
	while (*b64 == ' ')
		b64++;
	size_t len;
	char *plain = (char *)crypto_base64_decode(r->arena, b64, strlen(b64), BASE64_STD, &len);
	char *colon = plain ? memchr(plain, ':', len) : NULL;
	if (colon == NULL || strlen(plain) != len || colon == plain || colon[1] == '\0' ||
	    !utf8_valid(plain, len))
		return -1;
	*colon = '\0';
	if (decode) {
		/* RFC 6749 2.3.1: both parts are form-urlencoded before they are joined */
		*id = http_percent_decode(r->arena, plain, strlen(plain), 1);
		*secret = http_percent_decode(r->arena, colon + 1, strlen(colon + 1), 1);
		return *id != NULL && *secret != NULL && (*id)[0] && (*secret)[0] ? 0 : -1;
	}
	*id = plain;
	*secret = colon + 1;
	return 0;
}

enum http_client_auth http_client_credentials(struct request *r, const char *body_id,
					      const char *body_secret, int decode_basic,
					      const char **id, const char **secret)
{
	if (http_has_basic(r))
		return parse_basic(r, decode_basic, id, secret) == 0 ? HTTP_CLIENT_AUTH_BASIC : HTTP_CLIENT_AUTH_NONE;
	if (r->authorization != NULL && parse_pair_header(r, r->authorization, id, secret) == 0)
		return HTTP_CLIENT_AUTH_PAIR;
	if (body_id != NULL && body_secret != NULL && body_id[0] && body_secret[0]) {
		*id = body_id;
		*secret = body_secret;
		return HTTP_CLIENT_AUTH_BODY;
	}
	return HTTP_CLIENT_AUTH_NONE;
}

/* Credential and token parsing. Nothing here touches the database: a presented token is
 * only hashed, and the hash is checked by the same SQL statement that serves the request,
 * so a read stays one round trip. */
#include "auth/auth.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "auth/crypto.h"
#include "http/request.h"

static const struct {
	const char *required;
	const char *satisfied_by;
} scope_sets[] = {
	{ "Read All", "{\"Read All\",\"Manage All\"}" },
	{ "Manage All", "{\"Manage All\"}" },
	/* Venafi's admin: a Venafi token whose grant carries admin, or a Manage All credential */
	{ "admin", "{\"Manage All\",\"venafi:admin\"}" },
};

const char *auth_scope_set(const char *required)
{
	for (size_t i = 0; i < sizeof(scope_sets) / sizeof(scope_sets[0]); i++)
		if (strcmp(scope_sets[i].required, required) == 0)
			return scope_sets[i].satisfied_by;
	return NULL;
}

static int is_lower_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return 1;
}

status_t auth_bearer_hash(struct request *r, const char **hash)
{
	const char *h = r->authorization;
	if (h == NULL || strncasecmp(h, "bearer ", 7) != 0)
		return error_set(&r->err, ST_UNAUTHORIZED, NULL, NULL);
	const char *token = h + 7;
	while (*token == ' ')
		token++;
	if (!is_lower_hex(token, AUTH_TOKEN_HEX_LEN))
		return error_set(&r->err, ST_UNAUTHORIZED, NULL, NULL);
	*hash = crypto_sha256_bytea(r->arena, token);
	return ST_OK;
}

status_t auth_bearer(struct request *r, const char *required)
{
	memset(&r->auth, 0, sizeof(r->auth));
	r->auth.scopes = auth_scope_set(required);
	if (r->auth.scopes == NULL)
		return error_set(&r->err, ST_INTERNAL, NULL, "route requires an unknown scope");
	return auth_bearer_hash(r, &r->auth.token_hash);
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

int auth_client_credentials(struct request *r, const char *body_id, const char *body_secret,
			    const char **id, const char **secret)
{
	const char *h = r->authorization;
	if (h != NULL && strncasecmp(h, "basic ", 6) == 0) {
		const char *b64 = h + 6;
		while (*b64 == ' ')
			b64++;
		size_t len;
		char *plain = crypto_base64_decode(r->arena, b64, &len);
		char *colon = plain ? memchr(plain, ':', len) : NULL;
		if (colon == NULL || strlen(plain) != len || colon == plain || colon[1] == '\0')
			return -1;
		*colon = '\0';
		*id = plain;
		*secret = colon + 1;
		return 0;
	}
	if (h != NULL && parse_pair_header(r, h, id, secret) == 0)
		return 0;
	if (body_id != NULL && body_secret != NULL && body_id[0] && body_secret[0]) {
		*id = body_id;
		*secret = body_secret;
		return 0;
	}
	return -1;
}

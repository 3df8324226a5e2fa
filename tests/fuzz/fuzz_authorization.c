/* fuzz_authorization: the Authorization header forms (http_bearer_token, http_has_basic,
 * http_client_credentials with decode_basic 0 and 1) and, under Basic,
 * crypto_base64_decode in both alphabets.
 *
 * Input: lines ('\n'-separated):
 *   0 the Authorization header value (through http_request_header, as the worker reads it)
 *   1 a token endpoint's body as application/x-www-form-urlencoded (client_id and
 *     client_secret fields are the body credentials, as onelogin_auth.c reads them)
 *   rest: bytes for the base64 decoders
 *
 * Invariants:
 *   - a bearer token is 64 lower-case hex digits, and a suffix of the header;
 *   - a form is returned only with both strings set, non-empty, valid UTF-8 without NUL;
 *   - BODY gives exactly the body fields; PAIR and BASIC do not depend on the body;
 *   - decode_basic 1 is the form-decoding of what decode_basic 0 gives, when both succeed;
 *   - base64: re-encoding a decoded value gives back the input up to padding and the
 *     unused bits of its last character, and decodes to the same bytes; the output is
 *     NUL-terminated and at most 3/4 of the input. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/utf8.h"
#include "fuzz_common.h"
#include "http/credentials.h"
#include "http/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS 3
#define FORM_MAX 16

static const char *const UNSET = "unset";

static void check_pair(enum http_client_auth how, const char *id, const char *secret)
{
	if (how == HTTP_CLIENT_AUTH_NONE)
		return;
	fuzz_check_string(id);
	fuzz_check_string(secret);
	FUZZ_CHECK(id[0] != '\0' && secret[0] != '\0');
}

static int is_lower_hex64(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

/* crypto_base64_decode of arbitrary text, then the round trip through the encoder. */
static void check_base64(arena_t *a, const char *in, size_t inlen)
{
	for (int alpha = 0; alpha < 2; alpha++) {
		enum base64_alphabet al = alpha ? BASE64_URL : BASE64_STD;
		size_t n = (size_t)-1;
		unsigned char *out = crypto_base64_decode(a, in, inlen, al, &n);
		if (out == NULL)
			continue;
		FUZZ_CHECK(n <= inlen / 4 * 3 + 2);
		FUZZ_CHECK(out[n] == '\0');
		char *back = crypto_base64_encode(a, out, n, al);
		FUZZ_CHECK(back != NULL);
		/* the same text once padding is ignored, but for the last character: the decoder
		 * does not insist that its unused low bits be zero ("Zh" decodes as "Zg" does),
		 * which is why azure.c compares an ETag's text, not its bytes */
		size_t blen = strlen(back), ilen = inlen;
		while (blen > 0 && back[blen - 1] == '=')
			blen--;
		while (ilen > 0 && in[ilen - 1] == '=')
			ilen--;
		FUZZ_CHECK(blen == ilen);
		FUZZ_CHECK(ilen == 0 || memcmp(back, in, ilen - 1) == 0);
		/* and decoding the canonical text gives the same bytes */
		size_t n2 = 0;
		unsigned char *again = crypto_base64_decode(a, back, strlen(back), al, &n2);
		FUZZ_CHECK(again != NULL && n2 == n && memcmp(again, out, n) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[NFIELDS];
	fuzz_split_lines(data, size, f, NFIELDS);
	arena_t *a = arena_create(0);
	struct request r;
	http_request_init(&r, a, NULL);
	r.authorization = http_request_header(&r, f[0]);
	FUZZ_CHECK(r.authorization == NULL || r.authorization == f[0]);

	/* body credentials as the token endpoint reads them */
	struct query_pair form[FORM_MAX];
	const char *body_id = NULL, *body_secret = NULL;
	if (f[1] != NULL) {
		int n = http_form_parse(a, f[1], strlen(f[1]), form, FORM_MAX);
		if (n > 0) {
			body_id = http_form_get(form, (size_t)n, "client_id");
			body_secret = http_form_get(form, (size_t)n, "client_secret");
		}
	}

	const char *token = http_bearer_token(&r);
	if (token != NULL) {
		FUZZ_CHECK(is_lower_hex64(token));
		FUZZ_CHECK(strncasecmp(r.authorization, "bearer ", 7) == 0);
		size_t hl = strlen(r.authorization);
		FUZZ_CHECK(token >= r.authorization && token + 64 == r.authorization + hl);
		for (const char *p = r.authorization + 7; p < token; p++)
			FUZZ_CHECK(*p == ' ');
	}
	int basic = http_has_basic(&r);
	FUZZ_CHECK(basic == (r.authorization != NULL && strncasecmp(r.authorization, "basic ", 6) == 0));
	FUZZ_CHECK(!(basic && token != NULL));

	const char *id0 = UNSET, *secret0 = UNSET, *id1 = UNSET, *secret1 = UNSET;
	enum http_client_auth how0 = http_client_credentials(&r, body_id, body_secret, 0, &id0, &secret0);
	enum http_client_auth how1 = http_client_credentials(&r, body_id, body_secret, 1, &id1, &secret1);
	check_pair(how0, id0, secret0);
	check_pair(how1, id1, secret1);
	/* (on NONE the outputs are not promised untouched: with decode_basic a Basic pair whose
	 * secret does not decode leaves *id set and *secret NULL; no caller reads them then) */

	/* only Basic depends on decode_basic */
	if (!basic) {
		FUZZ_CHECK(how0 == how1);
		if (how0 != HTTP_CLIENT_AUTH_NONE)
			FUZZ_CHECK(strcmp(id0, id1) == 0 && strcmp(secret0, secret1) == 0);
	} else {
		FUZZ_CHECK(how0 == HTTP_CLIENT_AUTH_BASIC || how0 == HTTP_CLIENT_AUTH_NONE);
		FUZZ_CHECK(how1 == HTTP_CLIENT_AUTH_BASIC || how1 == HTTP_CLIENT_AUTH_NONE);
		/* a header that says Basic is never bypassed for the body */
		if (how1 == HTTP_CLIENT_AUTH_BASIC) {
			/* decoding is applied to what the plain form gives */
			FUZZ_CHECK(how0 == HTTP_CLIENT_AUTH_BASIC);
			const char *d_id = http_percent_decode(a, id0, strlen(id0), 1);
			const char *d_secret = http_percent_decode(a, secret0, strlen(secret0), 1);
			FUZZ_CHECK(d_id != NULL && strcmp(d_id, id1) == 0);
			FUZZ_CHECK(d_secret != NULL && strcmp(d_secret, secret1) == 0);
		}
		if (how0 == HTTP_CLIENT_AUTH_BASIC) {
			/* id:secret is what the base64 decodes to, split at the first colon */
			const char *b64 = r.authorization + 6;
			while (*b64 == ' ')
				b64++;
			size_t n = 0;
			const char *plain = (const char *)crypto_base64_decode(a, b64, strlen(b64), BASE64_STD, &n);
			FUZZ_CHECK(plain != NULL);
			FUZZ_CHECK(strlen(id0) + 1 + strlen(secret0) == n);
			FUZZ_CHECK(strchr(id0, ':') == NULL);
			FUZZ_CHECK(memcmp(plain, id0, strlen(id0)) == 0 && plain[strlen(id0)] == ':');
			FUZZ_CHECK(strcmp(plain + strlen(id0) + 1, secret0) == 0);
		}
	}
	if (how0 == HTTP_CLIENT_AUTH_BODY) {
		FUZZ_CHECK(id0 == body_id && secret0 == body_secret);
		FUZZ_CHECK(!basic);
	}
	if (how0 == HTTP_CLIENT_AUTH_PAIR)
		FUZZ_CHECK(strncasecmp(r.authorization, "client_id:", 10) == 0);
	/* with no header at all, only the body can answer */
	if (r.authorization == NULL)
		FUZZ_CHECK(how0 == (body_id && body_secret && body_id[0] && body_secret[0] ? HTTP_CLIENT_AUTH_BODY
											  : HTTP_CLIENT_AUTH_NONE));

	if (f[2] != NULL)
		check_base64(a, f[2], strlen(f[2]));
	if (f[0] != NULL)
		check_base64(a, f[0], strlen(f[0]));

	arena_destroy(a);
	fuzz_fields_free(f, NFIELDS);
	return 0;
}

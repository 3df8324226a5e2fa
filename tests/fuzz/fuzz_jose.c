/* fuzz_jose: the compact JWS a client presents to the token service's introspection and
 * revocation endpoints (jose_parse, jose_verify), the JWK import and RFC 7638 thumbprint
 * (jose_key_from_jwk, jose_thumbprint) and jose_alg_parse; plus sign / parse / verify round
 * trips with keys of every algorithm made at start-up.
 *
 * Input: line 0 the token; line 1 (optional) a JWK as JSON, imported as the verification
 * key (the seeds pair tokens with the keys that signed them, so the fuzzer starts from
 * tokens that verify).
 *
 * Invariants:
 *   - jose_parse: 0 only for three canonical base64url parts (each re-encodes to itself:
 *     a token has exactly one spelling), header and payload JSON objects, a string alg, no
 *     "crit"; signing_input is the token up to the second dot; kid and typ are the header's
 *     strings;
 *   - a token never verifies under a key it was not signed with (the start-up keys are new
 *     each run, so nothing the fuzzer makes can carry their signature), nor under a key of
 *     another algorithm; a token that verifies stops verifying when any one character of
 *     its signing input or signature changes;
 *   - jose_key_from_jwk gives a key whose kid is jose_thumbprint of the JWK, and whose public
 *     JWK imports again to the same kid;
 *   - jose_sign output parses, verifies with its key, and carries alg/typ/kid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/utf8.h"
#include "fuzz_common.h"
#include "token/jose.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jose_key *keys[JOSE_ALGS];       /* key pairs */
static jose_key *pubs[JOSE_ALGS];       /* their public halves, through the JWK */

/* The public half of k, imported from its JWK; checks the kid on the way. */
static jose_key *public_of(const jose_key *k)
{
	json_t *jwk = jose_key_public_jwk(k);
	FUZZ_CHECK(jwk != NULL);
	jose_key *p = jose_key_from_jwk(jwk);
	char kid[JOSE_KID_LEN + 1];
	FUZZ_CHECK(p != NULL);
	FUZZ_CHECK(jose_thumbprint(jwk, kid) == 0);
	FUZZ_CHECK(strcmp(kid, jose_key_kid(k)) == 0 && strcmp(kid, jose_key_kid(p)) == 0);
	FUZZ_CHECK(jose_key_alg(p) == jose_key_alg(k));
	json_decref(jwk);
	return p;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (int i = 0; i < JOSE_ALGS; i++) {
		keys[i] = jose_key_generate((enum jose_alg)i);
		if (keys[i] == NULL)
			abort();
		pubs[i] = public_of(keys[i]);
	}
	return 0;
}

/* b64url of the bytes equals the text (n chars): the part has one spelling. */
static void check_canonical(arena_t *a, const char *text, size_t n)
{
	size_t len = 0;
	unsigned char *bytes = crypto_base64_decode(a, text, n, BASE64_URL, &len);
	FUZZ_CHECK(bytes != NULL);
	char *back = crypto_base64_encode(a, bytes, len, BASE64_URL);
	FUZZ_CHECK(strlen(back) == n && memcmp(back, text, n) == 0);
}

static void check_parsed(arena_t *a, const char *token, size_t len, const struct jose_jws *j)
{
	FUZZ_CHECK(len <= JOSE_MAX_TOKEN_LEN);
	FUZZ_CHECK(json_is_object(j->header) && json_is_object(j->payload));
	FUZZ_CHECK(j->alg != NULL && json_object_get(j->header, "crit") == NULL);
	FUZZ_CHECK(j->alg == json_string_value(json_object_get(j->header, "alg")));
	FUZZ_CHECK(j->kid == json_string_value(json_object_get(j->header, "kid")));
	FUZZ_CHECK(j->typ == json_string_value(json_object_get(j->header, "typ")));
	fuzz_check_string(j->alg);
	fuzz_check_text(j->kid);
	fuzz_check_text(j->typ);
	const char *d1 = memchr(token, '.', len);
	FUZZ_CHECK(d1 != NULL);
	const char *d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token));
	FUZZ_CHECK(d2 != NULL && memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)) == NULL);
	FUZZ_CHECK(j->signing_input_len == (size_t)(d2 - token));
	FUZZ_CHECK(memcmp(j->signing_input, token, j->signing_input_len) == 0 &&
		   j->signing_input[j->signing_input_len] == '\0');
	check_canonical(a, token, (size_t)(d1 - token));
	check_canonical(a, d1 + 1, (size_t)(d2 - d1 - 1));
	check_canonical(a, d2 + 1, len - (size_t)(d2 + 1 - token));
	/* the signature is the third part's bytes */
	size_t n = 0;
	unsigned char *sig = crypto_base64_decode(a, d2 + 1, len - (size_t)(d2 + 1 - token), BASE64_URL, &n);
	FUZZ_CHECK(sig != NULL && n == j->signature_len && memcmp(sig, j->signature, n) == 0);
	enum jose_alg alg;
	if (jose_alg_parse(j->alg, &alg) == 0)
		FUZZ_CHECK(strcmp(jose_alg_name(alg), j->alg) == 0);
}

/* A token that verifies under k: one changed character anywhere breaks it. */
static void check_tamper(arena_t *a, const jose_key *k, const char *token, size_t len, size_t where)
{
	char *t = arena_strndup(a, token, len);
	size_t i = where % len;
	if (t[i] == '.')
		return;
	/* another base64url character */
	t[i] = t[i] == 'A' ? 'B' : 'A';
	struct jose_jws j;
	if (jose_parse(a, t, len, &j) == 0)
		FUZZ_CHECK(!jose_verify(k, &j));
}

static void check_imported_key(arena_t *a, const json_t *jwk, const char *token, size_t len,
			       const struct jose_jws *j, int parsed, size_t seed)
{
	char kid[JOSE_KID_LEN + 1];
	int thumb = jose_thumbprint(jwk, kid);
	if (thumb == 0) {
		FUZZ_CHECK(strlen(kid) == JOSE_KID_LEN);
		check_canonical(a, kid, JOSE_KID_LEN);
	}
	jose_key *k = jose_key_from_jwk(jwk);
	if (k == NULL)
		return;
	FUZZ_CHECK(thumb == 0 && strcmp(jose_key_kid(k), kid) == 0);
	jose_key *again = public_of(k);
	jose_key_free(again);
	if (parsed && jose_verify(k, j)) {
		FUZZ_CHECK(strcmp(j->alg, jose_alg_name(jose_key_alg(k))) == 0);
		check_tamper(a, k, token, len, seed);
		check_tamper(a, k, token, len, seed * 7 + len / 2);
		/* no other key takes it */
		for (int i = 0; i < JOSE_ALGS; i++)
			FUZZ_CHECK(!jose_verify(pubs[i], j));
	}
	jose_key_free(k);
}

/* Sign something derived from the input with one of our keys, and check what comes back. */
static void round_trip(arena_t *a, const uint8_t *data, size_t size)
{
	int which = data[0] % JOSE_ALGS;
	if (which == JOSE_RS256 && (data[0] & 0x18) != 0)
		return;                        /* RSA signing is slow: a quarter of the time */
	json_t *claims = json_object();
	char *text = fuzz_strndup(data, size > 256 ? 256 : size);
	if (utf8_valid(text, strlen(text)))
		json_object_set_new(claims, "sub", json_string(text));
	else
		json_object_set_new(claims, "sub", json_string(crypto_hex(a, data, size > 64 ? 64 : size)));
	json_object_set_new(claims, "exp", json_integer((json_int_t)size));
	size_t len = 0;
	char *payload = json_dumps(claims, JSON_COMPACT);
	FUZZ_CHECK(payload != NULL);
	len = strlen(payload);
	char *tok = jose_sign(a, keys[which], "at+jwt", payload, len);
	FUZZ_CHECK(tok != NULL);
	struct jose_jws j;
	FUZZ_CHECK(jose_parse(a, tok, strlen(tok), &j) == 0);
	check_parsed(a, tok, strlen(tok), &j);
	FUZZ_CHECK(strcmp(j.alg, jose_alg_name((enum jose_alg)which)) == 0);
	FUZZ_CHECK(j.typ != NULL && strcmp(j.typ, "at+jwt") == 0);
	FUZZ_CHECK(j.kid != NULL && strcmp(j.kid, jose_key_kid(keys[which])) == 0);
	FUZZ_CHECK(json_equal(j.payload, claims));
	FUZZ_CHECK(jose_verify(pubs[which], &j) && jose_verify(keys[which], &j));
	for (int i = 0; i < JOSE_ALGS; i++)
		if (i != which)
			FUZZ_CHECK(!jose_verify(pubs[i], &j));
	check_tamper(a, pubs[which], tok, strlen(tok), size);
	free(payload);
	free(text);
	json_decref(claims);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl ? (size_t)(nl - data) : size;
	char *token = fuzz_strndup(data, tlen);
	arena_t *a = arena_create(0);

	struct jose_jws j;
	int parsed = jose_parse(a, token, tlen, &j) == 0;
	FUZZ_CHECK(parsed || (j.header == NULL && j.payload == NULL && j.alg == NULL));
	if (parsed) {
		check_parsed(a, token, tlen, &j);
		/* keys made at start-up: nobody outside this process has them */
		for (int i = 0; i < JOSE_ALGS; i++)
			FUZZ_CHECK(!jose_verify(pubs[i], &j) && !jose_verify(keys[i], &j));
		/* the client's header as a JWK */
		check_imported_key(a, j.header, token, tlen, &j, 0, 0);
	}
	if (nl != NULL) {
		json_t *jwk = json_loadb((const char *)nl + 1, size - tlen - 1, JSON_REJECT_DUPLICATES, NULL);
		if (json_is_object(jwk))
			check_imported_key(a, jwk, token, tlen, &j, parsed, size);
		json_decref(jwk);
	}
	if (size > 0 && (data[0] & 7) == 0)
		round_trip(a, data, size);

	arena_destroy(a);
	free(token);
	return 0;
}

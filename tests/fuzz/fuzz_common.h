/* Shared helpers of the libFuzzer targets in tests/fuzz: invariant checks that abort (so
 * libFuzzer reports the input), an independent UTF-8 reference decoder, input splitting,
 * and the check every client-visible error must pass (its dialect renders valid JSON). */
#ifndef AUTHZD_FUZZ_COMMON_H
#define AUTHZD_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "http/request.h"
#include "http/router.h"

/* Aborts with the condition's text and location when cond is false: a broken invariant. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* RFC 3629 well-formedness written independently of src/core/utf8.c (decode, then refuse
 * overlongs, surrogates, code points past U+10FFFF and NUL). */
int fuzz_utf8_ref(const char *s, size_t n);

/* s is NULL, or a NUL-terminated string that is valid UTF-8 by both src's utf8_valid and
 * the reference decoder. */
void fuzz_check_text(const char *s);
/* s is non-NULL and passes fuzz_check_text. */
void fuzz_check_string(const char *s);

/* Splits data at '\n' into at most max fields, each copied into a malloc'ed NUL-terminated
 * string (an embedded NUL ends the string, as it would in a FastCGI parameter); fields past
 * the input are NULL. Returns how many fields there were. Free with fuzz_fields_free. */
size_t fuzz_split_lines(const uint8_t *data, size_t size, char **fields, size_t max);
void fuzz_fields_free(char **fields, size_t max);
/* A malloc'ed NUL-terminated copy of the bytes (which may hold NULs). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* Makes r a request carrying the size bytes of text as a JSON body (content type ctype) and
 * parses it as handlers do (http_body_json): its status, the value in *body. */
status_t fuzz_json_body(arena_t *a, struct request *r, const char *text, size_t size, const char *ctype,
			json_t **body);

/* After fuzz_json_body: 0 if st is ST_OK; else checks that the body was refused as a
 * client's mistake (ST_BAD_REQUEST, no value, a message) and that the dialect renders it
 * (with error code code, where the dialect's handlers give one) as a 400 JSON body: 1. */
int fuzz_json_refused(struct request *r, status_t st, const json_t *body, const struct dialect *d,
		      const char *code);

/* Renders r->err through the dialect, as the dispatcher does for a failing request, and
 * checks what a client would get: an HTTP error status and a body that is one JSON object
 * (Jansson re-parses it; so it is valid UTF-8). */
void fuzz_check_error_reply(struct request *r, const struct dialect *d);
/* The response body (from http_reply_json) is a JSON object; returns it (caller decrefs). */
json_t *fuzz_check_json_reply(const struct request *r);

#endif

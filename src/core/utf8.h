/* UTF-8: checked once where a request is parsed, so no later layer (nor PostgreSQL, nor
 * Jansson) ever meets an invalid sequence; lengths count characters, not bytes. */
#ifndef AUTHZD_UTF8_H
#define AUTHZD_UTF8_H

#include <stddef.h>

/* 1 if the n bytes are well-formed UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF) without a NUL byte. */
int utf8_valid(const char *s, size_t n);
/* The length of the longest well-formed prefix of the n bytes. */
size_t utf8_valid_prefix(const char *s, size_t n);
/* Code points in the NUL-terminated string s (which must be valid UTF-8); 0 for NULL. */
size_t utf8_chars(const char *s);

#endif

/* A table-free UTF-8 validator after RFC 3629 section 4 (the byte ranges of each form). */
#include "core/utf8.h"

int utf8_valid(const char *str, size_t n)
{
	return utf8_valid_prefix(str, n) == n;
}

size_t utf8_valid_prefix(const char *str, size_t n)
{
	const unsigned char *start = (const unsigned char *)str, *s = start, *end = s + n;
	while (s < end) {
		unsigned c = *s;
		size_t len;
		unsigned lo = 0x80, hi = 0xBF;      /* the range of the second byte */
		if (c == 0)
			break;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0;          /* overlong */
			else if (c == 0xED)
				hi = 0x9F;          /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90;          /* overlong */
			else if (c == 0xF4)
				hi = 0x8F;          /* past U+10FFFF */
		} else {
			break;
		}
		if ((size_t)(end - s) < len || s[1] < lo || s[1] > hi)
			break;
		size_t i = 2;
		while (i < len && s[i] >= 0x80 && s[i] <= 0xBF)
			i++;
		if (i < len)
			break;
		s += len;
	}
	return (size_t)(s - start);
}

size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; s != NULL && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

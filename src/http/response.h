/* The response a handler builds: status, extra headers and a body, all in the arena,
 * written by the worker in one piece. */
#ifndef AUTHZD_HTTP_RESPONSE_H
#define AUTHZD_HTTP_RESPONSE_H

#include <stddef.h>

#include <jansson.h>

struct request;

struct response {
	int status;                  /* 0 until a handler replies */
	char *headers;               /* "Name: value\r\n" lines */
	size_t headers_len, headers_cap;
	const char *content_type;
	const char *body;
	size_t body_len;
};

/* Serializes body (and drops the caller's reference) as the response. */
void http_reply_json(struct request *r, int status, json_t *body);
/* A body the caller already has as bytes (arena-owned or static). */
void http_reply_bytes(struct request *r, int status, const char *content_type, const char *body, size_t len);
void http_reply_empty(struct request *r, int status);
void http_reply_header(struct request *r, const char *name, const char *value);
/* Forgets a response a handler had started (its headers too). */
void http_reply_reset(struct request *r);
/* Renders "Status:" and headers for FastCGI into the arena; *len gets its length.
 * HEAD responses keep Content-Length but the caller omits the body. */
char *http_response_head(struct request *r, size_t *len);

#endif

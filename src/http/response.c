/* Response building: JSON bodies are dumped straight into the arena; headers accumulate in
 * an arena buffer; the worker writes head and body with one call each. */
#include "http/response.h"

#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/status.h"
#include "http/request.h"

void http_reply_json(struct request *r, int status, json_t *body)
{
	size_t len = 0;
	const char *text = jsonx_dump(r->arena, body, &len);
	json_decref(body);
	http_reply_bytes(r, status, "application/json; charset=utf-8", text, len);
}

void http_reply_bytes(struct request *r, int status, const char *content_type, const char *body, size_t len)
{
	r->resp.status = status;
	r->resp.content_type = content_type;
	r->resp.body = body;
	r->resp.body_len = len;
}

void http_reply_empty(struct request *r, int status)
{
	http_reply_bytes(r, status, NULL, NULL, 0);
}

void http_reply_reset(struct request *r)
{
	r->resp.status = 0;
	r->resp.headers_len = 0;
}

void http_reply_header(struct request *r, const char *name, const char *value)
{
	struct response *p = &r->resp;
	size_t need = strlen(name) + strlen(value) + 4;
	arena_reserve(r->arena, &p->headers, &p->headers_cap, p->headers_len, need + 1, 256);
	p->headers_len += (size_t)snprintf(p->headers + p->headers_len, need + 1, "%s: %s\r\n", name, value);
}

char *http_response_head(struct request *r, size_t *len)
{
	const struct response *p = &r->resp;
	int status = p->status ? p->status : 500;
	char *head = arena_sprintf(r->arena, "Status: %d %s\r\n%s%s%sContent-Length: %zu\r\n%.*s\r\n",
				   status, status_reason(status),
				   p->content_type ? "Content-Type: " : "",
				   p->content_type ? p->content_type : "",
				   p->content_type ? "\r\n" : "", p->body_len,
				   (int)p->headers_len, p->headers ? p->headers : "");
	*len = strlen(head);
	return head;
}

/* Route table compilation and lookup. Patterns are split into segments once at start-up;
 * a lookup walks the table (dozens of rows) comparing segments in place, with no copies
 * until a parameter matches. */
#include "http/router.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"

#define ROUTER_MAX_SEGS 16

struct seg {
	const char *text;   /* literal text, or NULL for a parameter */
	size_t len;
};

struct compiled {
	struct seg segs[ROUTER_MAX_SEGS];
	size_t nsegs;
};

struct router {
	const struct route *table;
	size_t n;
	struct compiled *c;
	const struct route_prefix *prefixes;
	size_t nprefixes;
	const struct dialect *fallback;
};

static int compile_one(const char *pattern, struct compiled *c)
{
	c->nsegs = 0;
	if (pattern[0] != '/')
		return -1;
	const char *p = pattern + 1;
	while (*p != '\0') {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || c->nsegs == ROUTER_MAX_SEGS)
			return -1;
		struct seg *s = &c->segs[c->nsegs++];
		if (p[0] == ':') {
			s->text = NULL;
			s->len = 0;
		} else {
			s->text = p;
			s->len = len;
		}
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	return 0;
}

struct router *router_compile(const struct route *table, size_t n, const struct route_prefix *prefixes,
			      size_t nprefixes, const struct dialect *fallback)
{
	struct router *rt = calloc(1, sizeof(*rt));
	if (rt == NULL)
		abort();
	rt->table = table;
	rt->n = n;
	rt->prefixes = prefixes;
	rt->nprefixes = nprefixes;
	rt->fallback = fallback;
	rt->c = calloc(n ? n : 1, sizeof(*rt->c));
	if (rt->c == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (compile_one(table[i].pattern, &rt->c[i]) != 0) {
			log_error("router: bad pattern '%s'", table[i].pattern);
			router_free(rt);
			return NULL;
		}
	}
	return rt;
}

void router_free(struct router *rt)
{
	if (rt == NULL)
		return;
	free(rt->c);
	free(rt);
}

/* Splits the request path into segments (pointers into path). A trailing slash is
 * ignored so "/x/" matches "/x". Returns -1 for too many or empty inner segments. */
static int split_path(const char *path, struct seg *segs, size_t *nsegs)
{
	*nsegs = 0;
	if (path[0] != '/')
		return -1;
	const char *p = path + 1;
	while (*p != '\0') {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0) {
			if (slash == NULL || slash[1] == '\0')
				break;
			return -1;
		}
		if (*nsegs == ROUTER_MAX_SEGS)
			return -1;
		segs[*nsegs].text = p;
		segs[*nsegs].len = len;
		(*nsegs)++;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	return 0;
}

static int segs_match(const struct compiled *c, const struct seg *segs, size_t nsegs)
{
	if (c->nsegs != nsegs)
		return 0;
	for (size_t i = 0; i < nsegs; i++) {
		const struct seg *want = &c->segs[i];
		if (want->text == NULL)
			continue;
		if (want->len != segs[i].len || strncasecmp(want->text, segs[i].text, want->len) != 0)
			return 0;
	}
	return 1;
}

/* The request's path segments, each decoded once, on demand. */
struct decoded {
	const char *text[ROUTER_MAX_SEGS];
	unsigned char state[ROUTER_MAX_SEGS];    /* 0 not yet, 1 decoded, 2 malformed */
};

static const char *decode_seg(struct request *r, const struct seg *segs, struct decoded *d, size_t i)
{
	if (d->state[i] == 0) {
		d->text[i] = http_percent_decode(r->arena, segs[i].text, segs[i].len, 0);
		d->state[i] = d->text[i] != NULL ? 1 : 2;
	}
	return d->text[i];
}

/* 1 if every parameter of the pattern decodes (to UTF-8 without NUL): a path whose
 * parameters do not names nothing, whatever the method. */
static int params_decode(struct request *r, const struct compiled *c, const struct seg *segs,
			 struct decoded *d)
{
	for (size_t i = 0; i < c->nsegs; i++)
		if (c->segs[i].text == NULL && decode_seg(r, segs, d, i) == NULL)
			return 0;
	return 1;
}

static const char *allow_header(struct request *r, unsigned allowed)
{
	char buf[128];
	size_t o = 0;
	buf[0] = '\0';
	for (unsigned bit = 1; bit <= HTTP_OPTIONS; bit <<= 1) {
		if (!(allowed & bit))
			continue;
		const char *name = http_method_name(bit);
		size_t need = strlen(name) + 2;
		if (o + need >= sizeof(buf))
			break;
		memcpy(buf + o, o ? ", " : "", o ? 2 : 0);
		o += o ? 2 : 0;
		memcpy(buf + o, name, strlen(name) + 1);
		o += strlen(name);
	}
	return arena_strdup(r->arena, buf);
}

enum router_result router_match(const struct router *rt, struct request *r, const char **allow)
{
	struct seg segs[ROUTER_MAX_SEGS];
	struct decoded d;
	size_t nsegs;
	unsigned allowed = 0;
	size_t hit = rt->n;

	memset(&d, 0, sizeof(d));
	r->route = NULL;
	r->nparams = 0;
	if (split_path(r->path, segs, &nsegs) != 0)
		return ROUTER_NO_PATH;
	for (size_t i = 0; i < rt->n; i++) {
		if (!segs_match(&rt->c[i], segs, nsegs) || !params_decode(r, &rt->c[i], segs, &d))
			continue;
		allowed |= rt->table[i].methods;
		if ((rt->table[i].methods & r->method) && hit == rt->n)
			hit = i;
	}
	if (allowed == 0)
		return ROUTER_NO_PATH;
	if (hit == rt->n) {
		*allow = allow_header(r, allowed);
		return ROUTER_NO_METHOD;
	}
	const struct compiled *c = &rt->c[hit];
	for (size_t i = 0; i < nsegs; i++) {
		if (c->segs[i].text != NULL)
			continue;
		if (r->nparams == HTTP_MAX_PARAMS)
			return ROUTER_NO_PATH;
		r->params[r->nparams++] = d.text[i];
	}
	r->route = &rt->table[hit];
	return ROUTER_FOUND;
}

const struct dialect *router_dialect(const struct router *rt, const struct request *r)
{
	if (r->route != NULL)
		return r->route->dialect;
	for (size_t i = 0; i < rt->nprefixes; i++)
		if (strncasecmp(r->path, rt->prefixes[i].prefix, strlen(rt->prefixes[i].prefix)) == 0)
			return rt->prefixes[i].dialect;
	return rt->fallback;
}

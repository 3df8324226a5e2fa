/* The shared counters (metrics.h). Every write is a relaxed atomic add to the worker's own
 * slot (shared only while a reload runs a slot's old and new worker side by side), so
 * counting a request costs a few uncontended adds and no lock; readers may see one request's
 * counters half added, never a torn number or a counter going backwards. */
#include "core/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/log.h"

const double metrics_bucket_bounds[METRICS_BUCKETS - 1] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

/* The codes authzd and nginx answer with, one counter each; anything else is "other". */
static const short codes[METRICS_CODES - 1] = {
	200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 406, 408, 409,
	410, 411, 412, 413, 414, 415, 416, 422, 429, 431, 500, 501, 502, 503, 504,
};

struct segment {
	metrics_counter worker_restarts;    /* the supervisor's */
	_Atomic int slots_in_use;           /* highest slot attached + 1 */
	int nslots;
	struct metrics_slot slots[];
};

static struct segment *shared;
/* Until a worker attaches (and in processes that never do), counting goes here. */
static struct metrics_slot private_slot;
static struct metrics_slot *mine = &private_slot;

/* An atomic add, not a load and a store: during a reload (src/supervisor.c) a slot's old
 * worker and its replacement run side by side and both count in that slot. Uncontended,
 * it costs a few nanoseconds a counter. */
static inline void add(metrics_counter *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static inline uint64_t get(const metrics_counter *c)
{
	return atomic_load_explicit((metrics_counter *)c, memory_order_relaxed);
}

int metrics_init(int nslots)
{
	if (nslots < 1 || nslots > METRICS_SLOTS_MAX)
		nslots = METRICS_SLOTS_MAX;
	size_t size = sizeof(struct segment) + (size_t)nslots * sizeof(struct metrics_slot);
	/* Pages never written stay unbacked: slots for workers a reload may add cost nothing. */
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		log_error("metrics: mmap of %zu bytes: %s", size, strerror(errno));
		return -1;
	}
	shared = p;
	shared->nslots = nslots;
	return 0;
}

void metrics_attach(int slot)
{
	if (shared == NULL || slot < 0 || slot >= shared->nslots)
		return;
	mine = &shared->slots[slot];
	int used = atomic_load(&shared->slots_in_use);
	while (used < slot + 1 && !atomic_compare_exchange_weak(&shared->slots_in_use, &used, slot + 1))
		;
}

void metrics_worker_restarted(void)
{
	if (shared != NULL)
		add(&shared->worker_restarts, 1);
}

int metrics_code_index(int http_code)
{
	for (int i = 0; i < METRICS_CODES - 1; i++)
		if (codes[i] == http_code)
			return i;
	return METRICS_CODES - 1;
}

int metrics_code_at(int index)
{
	return index >= 0 && index < METRICS_CODES - 1 ? codes[index] : 0;
}

void metrics_request(unsigned route, unsigned method, int http_code, int64_t duration_ns)
{
	if (route >= METRICS_ROUTES)
		route = METRICS_ROUTE_NONE;
	if (method >= METRICS_METHODS)
		method = METRICS_METHODS - 1;
	add(&mine->requests[route][method][metrics_code_index(http_code)], 1);
	double s = (double)(duration_ns < 0 ? 0 : duration_ns) / 1e9;
	int b = 0;
	while (b < METRICS_BUCKETS - 1 && s > metrics_bucket_bounds[b])
		b++;
	add(&mine->latency[route][b], 1);
	add(&mine->latency_sum_ns[route], (uint64_t)(duration_ns < 0 ? 0 : duration_ns));
}

void metrics_db(uint64_t round_trips, uint64_t reconnects, uint64_t errors, uint64_t background)
{
	if (background)
		add(&mine->db_background, background);
	if (round_trips)
		add(&mine->db_round_trips, round_trips);
	if (reconnects)
		add(&mine->db_reconnects, reconnects);
	if (errors)
		add(&mine->db_errors, errors);
}

void metrics_login_failed(enum metrics_login_form form)
{
	if ((unsigned)form < METRICS_LOGIN_FORMS)
		add(&mine->login_failures[form], 1);
}

void metrics_login_throttled(enum metrics_login_form form)
{
	if ((unsigned)form < METRICS_LOGIN_FORMS)
		add(&mine->login_throttled[form], 1);
}

void metrics_token_issued(int64_t server_id, int alg)
{
	if (alg < 0 || alg >= METRICS_ALGS)
		return;
	if (server_id <= 0) {
		add(&mine->tokens_other[alg], 1);
		return;
	}
	/* open addressing; a row once taken is never given up, so readers need no lock: the id
	 * is published (release) before this process counts in its row */
	unsigned h = (unsigned)((uint64_t)server_id * 0x9E3779B97F4A7C15ull >> 56) % METRICS_TOKEN_SERVERS;
	for (unsigned i = 0; i < METRICS_TOKEN_SERVERS; i++) {
		struct metrics_token_row *row = &mine->tokens[(h + i) % METRICS_TOKEN_SERVERS];
		int64_t id = atomic_load_explicit(&row->server_id, memory_order_relaxed);
		if (id == 0) {
			atomic_store_explicit(&row->server_id, server_id, memory_order_release);
			id = server_id;
		}
		if (id == server_id) {
			add(&row->issued[alg], 1);
			return;
		}
	}
	add(&mine->tokens_other[alg], 1);
}

/* The slots to read: the shared ones in use, else this process's own. */
static int slots_of(struct metrics_slot **first)
{
	if (shared == NULL) {
		*first = &private_slot;
		return 1;
	}
	*first = shared->slots;
	return atomic_load(&shared->slots_in_use);
}

static void add_slot(struct metrics_slot *sum, const struct metrics_slot *s)
{
	/* the slot is an array of counters up to the token table: add them word by word */
	const metrics_counter *from = (const metrics_counter *)s;
	metrics_counter *to = (metrics_counter *)sum;
	size_t n = offsetof(struct metrics_slot, tokens) / sizeof(metrics_counter);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = get(&from[i]);
		if (v)
			atomic_store_explicit(&to[i], atomic_load_explicit(&to[i], memory_order_relaxed) + v,
					      memory_order_relaxed);
	}
	for (int a = 0; a < METRICS_ALGS; a++)
		add(&sum->tokens_other[a], get(&s->tokens_other[a]));
}

void metrics_totals(struct metrics_totals *out)
{
	memset(out, 0, sizeof(*out));
	struct metrics_slot *slots;
	int n = slots_of(&slots);
	for (int i = 0; i < n; i++)
		add_slot(&out->sum, &slots[i]);
	out->slots = n;
	out->worker_restarts = shared != NULL ? get(&shared->worker_restarts) : 0;
}

static int by_server_alg(const void *x, const void *y)
{
	const struct metrics_token_total *a = x, *b = y;
	if (a->server_id != b->server_id)
		return a->server_id < b->server_id ? -1 : 1;
	return a->alg - b->alg;
}

size_t metrics_token_totals(arena_t *a, struct metrics_token_total **out)
{
	struct metrics_slot *slots;
	int n = slots_of(&slots);
	size_t cap = (size_t)n * (METRICS_TOKEN_SERVERS + 1) * METRICS_ALGS, k = 0;
	struct metrics_token_total *rows = arena_alloc(a, (cap ? cap : 1) * sizeof(*rows));
	for (int i = 0; i < n; i++) {
		const struct metrics_slot *s = &slots[i];
		for (int alg = 0; alg < METRICS_ALGS; alg++) {
			uint64_t v = get(&s->tokens_other[alg]);
			if (v)
				rows[k++] = (struct metrics_token_total){ 0, alg, v };
		}
		for (int t = 0; t < METRICS_TOKEN_SERVERS; t++) {
			int64_t id = atomic_load_explicit((_Atomic int64_t *)&s->tokens[t].server_id,
							  memory_order_acquire);
			if (id == 0)
				continue;
			for (int alg = 0; alg < METRICS_ALGS; alg++) {
				uint64_t v = get(&s->tokens[t].issued[alg]);
				if (v)
					rows[k++] = (struct metrics_token_total){ id, alg, v };
			}
		}
	}
	qsort(rows, k, sizeof(*rows), by_server_alg);
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		if (m > 0 && rows[m - 1].server_id == rows[i].server_id && rows[m - 1].alg == rows[i].alg)
			rows[m - 1].issued += rows[i].issued;
		else
			rows[m++] = rows[i];
	}
	*out = rows;
	return m;
}

/* ---- who may read them --------------------------------------------------------------- */

/* addr as 16 bytes (IPv4 in the first 4) and its family; an IPv4-mapped IPv6 address is IPv4. */
static int parse_addr(const char *s, int *family, unsigned char addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) != 1)
		return -1;
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (memcmp(addr, mapped, 12) == 0) {
		memmove(addr, addr + 12, 4);
		memset(addr + 4, 0, 12);
		*family = AF_INET;
		return 0;
	}
	*family = AF_INET6;
	return 0;
}

int metrics_allow_parse(const char *spec, struct metrics_allow *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (spec == NULL)
		return 0;
	const char *p = spec;
	for (;;) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '\0')
			return 0;
		size_t len = strcspn(p, " ,\t");
		char item[64];
		if (len >= sizeof(item) || out->n == METRICS_ALLOW_MAX) {
			snprintf(err, errlen, "'%.*s': too long, or more than %d entries", (int)(len > 60 ? 60 : len), p,
				 METRICS_ALLOW_MAX);
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		p += len;
		char *slash = strchr(item, '/');
		long prefix = -1;
		if (slash != NULL) {
			char *end;
			*slash = '\0';
			errno = 0;
			prefix = strtol(slash + 1, &end, 10);
			if (errno != 0 || end == slash + 1 || *end != '\0' || prefix < 0)
				prefix = 1000;
		}
		int family;
		unsigned char addr[16];
		if (parse_addr(item, &family, addr) != 0) {
			snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", item);
			return -1;
		}
		int bits = family == AF_INET ? 32 : 128;
		if (prefix > bits) {
			snprintf(err, errlen, "'%s/%s': the prefix length is not 0..%d", item, slash + 1, bits);
			return -1;
		}
		out->net[out->n].family = family;
		memcpy(out->net[out->n].addr, addr, 16);
		out->net[out->n].prefix = prefix < 0 ? bits : (int)prefix;
		out->n++;
	}
}

int metrics_allow_match(const struct metrics_allow *allow, const char *addr)
{
	int family;
	unsigned char a[16];
	if (addr == NULL || parse_addr(addr, &family, a) != 0)
		return 0;
	for (size_t i = 0; i < allow->n; i++) {
		if (allow->net[i].family != family)
			continue;
		int bits = allow->net[i].prefix, whole = bits / 8, rest = bits % 8;
		if (memcmp(a, allow->net[i].addr, (size_t)whole) != 0)
			continue;
		if (rest == 0 || ((a[whole] ^ allow->net[i].addr[whole]) & (0xff << (8 - rest)) & 0xff) == 0)
			return 1;
	}
	return 0;
}

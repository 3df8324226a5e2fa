/* Counters every worker keeps and any worker can sum: one shared-memory segment (mmap
 * MAP_SHARED|MAP_ANONYMOUS) the supervisor makes before it forks, one slot per worker slot of
 * the supervisor. Only the process attached to a slot writes it, with plain C11 atomic
 * stores (no read-modify-write, no lock); readers load every slot and add them up. A worker
 * respawned into a slot goes on from its totals, so a counter never goes backwards. A process
 * that attached to no slot (authzctl, the unit tests) counts into a private slot of its own.
 * This module knows routes, methods and servers only as indexes and numbers; the page that
 * names them is the process layer's (src/metrics_page.c). */
#ifndef AUTHZD_METRICS_H
#define AUTHZD_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define METRICS_SLOTS_MAX 256     /* the most workers the config allows */
#define METRICS_ROUTES 128        /* route indexes; METRICS_ROUTES - 1 is "no route" */
#define METRICS_ROUTE_NONE (METRICS_ROUTES - 1)
#define METRICS_METHODS 8         /* method indexes: the enum http_method bits in order, 7 "other" */
#define METRICS_CODES 32          /* HTTP status codes counted one by one; the last is "other" */
#define METRICS_BUCKETS 15        /* latency buckets; the last is +Inf */
/* Token issuance: a bounded table per slot, servers beyond it (in that slot) go to "other". */
#define METRICS_TOKEN_SERVERS 256
#define METRICS_ALGS 3            /* enum jose_alg: RS256, ES256, EdDSA */

enum metrics_login_form {
	METRICS_LOGIN_MANAGEMENT = 0,  /* a management credential (OneLogin's /auth/oauth2) */
	METRICS_LOGIN_IDENTITY,        /* an identity's password (Venafi's /vedauth) */
	METRICS_LOGIN_CLIENT,          /* an OAuth client at the token service */
	METRICS_LOGIN_FORMS
};

typedef _Atomic uint64_t metrics_counter;

struct metrics_token_row {
	_Atomic int64_t server_id;     /* 0: free; written once, after which the row is its */
	metrics_counter issued[METRICS_ALGS];
};

struct metrics_slot {
	metrics_counter requests[METRICS_ROUTES][METRICS_METHODS][METRICS_CODES];
	metrics_counter latency[METRICS_ROUTES][METRICS_BUCKETS];   /* not cumulative */
	metrics_counter latency_sum_ns[METRICS_ROUTES];
	metrics_counter db_round_trips, db_reconnects, db_errors, db_background;
	metrics_counter login_failures[METRICS_LOGIN_FORMS], login_throttled[METRICS_LOGIN_FORMS];
	struct metrics_token_row tokens[METRICS_TOKEN_SERVERS];
	metrics_counter tokens_other[METRICS_ALGS];
};

/* The sum over every slot (and the supervisor's figures), for the page. */
struct metrics_totals {
	struct metrics_slot sum;       /* token rows unused: see metrics_token_totals */
	uint64_t worker_restarts;
	int slots;                     /* slots in use */
};

struct metrics_token_total {
	int64_t server_id;             /* 0: "other" (servers beyond a slot's table) */
	int alg;
	uint64_t issued;
};

/* Upper bounds of the latency buckets in seconds (the last, +Inf, not listed). */
extern const double metrics_bucket_bounds[METRICS_BUCKETS - 1];

/* The supervisor, before it forks: maps the segment for nslots slots (at most
 * METRICS_SLOTS_MAX). 0, or -1 (logged) if it cannot; counting then stays per process. */
int metrics_init(int nslots);
/* In a worker just forked for supervisor slot i: count into slot i from now on. */
void metrics_attach(int slot);
/* The supervisor: a worker died and is replaced. */
void metrics_worker_restarted(void);

/* HTTP code -> its code index; and back (0 for "other"). */
int metrics_code_index(int http_code);
int metrics_code_at(int index);

/* One request finished: route and method indexes (clamped), its HTTP code, its time. */
void metrics_request(unsigned route, unsigned method, int http_code, int64_t duration_ns);
/* The database connection's own counters grew by these. */
void metrics_db(uint64_t round_trips, uint64_t reconnects, uint64_t errors, uint64_t background);
void metrics_login_failed(enum metrics_login_form form);
void metrics_login_throttled(enum metrics_login_form form);
/* A token signed by server_id's ring with alg (enum jose_alg). */
void metrics_token_issued(int64_t server_id, int alg);

/* Adds up every slot in use into *out (large: callers put it in an arena). */
void metrics_totals(struct metrics_totals *out);
/* Token issuance summed by (server, alg) over every slot, sorted by server then alg, "other"
 * (server 0) first; the rows are in the arena. Returns how many. */
size_t metrics_token_totals(arena_t *a, struct metrics_token_total **out);

/* Who may read /metrics: addresses and CIDR blocks, IPv4 or IPv6, separated by spaces or
 * commas ("127.0.0.0/8 ::1"). An IPv4-mapped IPv6 address counts as its IPv4 address. */
#define METRICS_ALLOW_MAX 32
struct metrics_allow {
	size_t n;
	struct {
		int family;                    /* AF_INET or AF_INET6 */
		unsigned char addr[16];
		int prefix;
	} net[METRICS_ALLOW_MAX];
};
/* 0, or -1 with a message in err. NULL or "" allows nobody. */
int metrics_allow_parse(const char *spec, struct metrics_allow *out, char *err, size_t errlen);
/* 1 if the textual address (nginx's $remote_addr) is in the list. */
int metrics_allow_match(const struct metrics_allow *allow, const char *addr);

#endif

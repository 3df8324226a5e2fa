/* The token service's statements: outcomes and rows in, structs out (db_token.h). */
#include "db/db_token.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "db/db_fields.h"

static const struct {
	const char *name;
	enum token_outcome outcome;
} outcomes[] = {
	{ "ok", TOKEN_OK },
	{ "check_secret", TOKEN_CHECK_SECRET },
	{ "throttled", TOKEN_THROTTLED },
	{ "invalid_client", TOKEN_INVALID_CLIENT },
	{ "no_server", TOKEN_NO_SERVER },
	{ "unlinked", TOKEN_UNLINKED },
	{ "not_yours", TOKEN_NOT_YOURS },
};

/* The outcome column of row 0; -1 (logged) for one this code does not know. */
static int outcome_of(const struct db_rows *rows, enum token_outcome *out)
{
	const char *v = rows->n == 1 ? db_text(rows, 0, "outcome") : NULL;
	for (size_t i = 0; v != NULL && i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
		if (strcmp(v, outcomes[i].name) == 0) {
			*out = outcomes[i].outcome;
			return 0;
		}
	}
	log_error("db: token statement answered outcome %s", v ? v : "(none)");
	return -1;
}

/* The sealed client secret of a server's own client, from row 0. */
static void read_sealed(arena_t *a, const struct db_rows *rows, struct sealed *out, const char **binding)
{
	out->key_id = db_text(rows, 0, "azure_key_id");
	out->bytes = db_bytes(a, rows, 0, "azure_ciphertext", &out->len);
	*binding = db_text(rows, 0, "azure_binding");
}

static const struct db_field grant_fields[] = {
	DB_FIELD(struct token_grant, retry_after, "retry_after", DB_F_INT),
	DB_FIELD(struct token_grant, tenant_id, "tenant_id", DB_F_INT64),
	DB_FIELD(struct token_grant, server_id, "server_id", DB_F_INT64),
	DB_FIELD(struct token_grant, resource_identifier, "resource_identifier", DB_F_TEXT),
	DB_FIELD(struct token_grant, ttl_minutes, "ttl_minutes", DB_F_INT),
	DB_FIELD(struct token_grant, default_scope, "default_scope", DB_F_TEXT),
	DB_FIELD(struct token_grant, tenant_host, "tenant_host", DB_F_BOOL),
	DB_FIELD(struct token_grant, issuer_id, "issuer_id", DB_F_INT64),
	DB_FIELD(struct token_grant, issuer_alg, "issuer_alg", DB_F_TEXT),
	DB_FIELD(struct token_grant, current_kid, "current_kid", DB_F_TEXT),
	DB_FIELD(struct token_grant, next_kid, "next_kid", DB_F_TEXT),
};

/* Row 0 of a token statement (token_request.sql, token_preview.sql) into out; the lists
 * only when the client is known. ST_OK or ST_INTERNAL. */
static status_t read_grant(arena_t *a, const struct db_rows *rows, struct token_grant *out)
{
	if (outcome_of(rows, &out->outcome) != 0 ||
	    db_fields_read(a, rows, 0, grant_fields, DB_NFIELDS(grant_fields), out) != 0)
		return ST_INTERNAL;
	if (out->outcome != TOKEN_OK && out->outcome != TOKEN_CHECK_SECRET)
		return ST_OK;
	const char *refusal = db_text(rows, 0, "refusal");
	out->refusal = refusal == NULL ? TOKEN_GRANTED : strcmp(refusal, "no_grant") == 0 ? TOKEN_NO_GRANT
		       : strcmp(refusal, "no_target") == 0 ? TOKEN_NO_TARGET : TOKEN_AMBIGUOUS;
	out->scopes_set = !db_is_null(rows, 0, "scopes");
	if (db_json_strings(a, db_json(a, rows, 0, "audiences"), &out->audiences.items, &out->audiences.n) != 0 ||
	    (out->scopes_set &&
	     db_json_strings(a, db_json(a, rows, 0, "scopes"), &out->scopes.items, &out->scopes.n) != 0))
		return ST_INTERNAL;
	return ST_OK;
}

status_t db_token_request(struct db *db, arena_t *a, int64_t server_id, const char *host, const char *resource,
			  const char *client_id, const unsigned char hash[CRYPTO_SHA256_LEN], struct token_grant *out)
{
	struct db_rows rows;
	memset(out, 0, sizeof(*out));
	status_t st = db_call(db, a, NULL, DB_STMT_TOKEN_REQUEST, &rows, "nttth", server_id, host, resource,
			      client_id, hash);
	if (st != ST_OK || (st = read_grant(a, &rows, out)) != ST_OK)
		return st;
	if (out->outcome == TOKEN_OK || out->outcome == TOKEN_CHECK_SECRET)
		read_sealed(a, &rows, &out->azure_secret, &out->azure_binding);
	return ST_OK;
}

status_t db_token_preview(struct db *db, arena_t *a, struct caller *caller, int64_t server_id, const char *client_id,
			  struct token_grant *out, const char **current_alg)
{
	struct db_rows rows;
	memset(out, 0, sizeof(*out));
	*current_alg = NULL;
	status_t st = db_call(db, a, caller, DB_STMT_TOKEN_PREVIEW, &rows, "it", server_id, client_id);
	if (st != ST_OK)
		return st;
	if (rows.n == 0)
		return ST_NOT_FOUND;
	*current_alg = db_text(&rows, 0, "current_alg");
	return read_grant(a, &rows, out);
}

status_t db_token_client_failed(struct db *db, arena_t *a, int64_t tenant_id, const char *client_id)
{
	return db_call(db, a, NULL, DB_STMT_TOKEN_CLIENT_FAILED, NULL, "it", tenant_id, client_id);
}

status_t db_token_secret_failed(struct db *db, arena_t *a, int64_t server_id, const char *client_id)
{
	return db_call(db, a, NULL, DB_STMT_TOKEN_SECRET_FAILED, NULL, "it", server_id, client_id);
}

/* The caller's part of a check or revocation result. */
static status_t read_check(arena_t *a, status_t st, const struct db_rows *rows, int with_state,
			   struct token_check *out)
{
	if (st != ST_OK)
		return st;
	if (outcome_of(rows, &out->outcome) != 0)
		return ST_INTERNAL;
	out->retry_after = (int)db_int(rows, 0, "retry_after");
	out->issuer_id = db_int(rows, 0, "issuer_id");
	if (with_state) {
		out->active = db_bool(rows, 0, "active");
		out->tenant_id = db_int(rows, 0, "tenant_id");
	}
	out->tenant_host = db_bool(rows, 0, "tenant_host");
	read_sealed(a, rows, &out->azure_secret, &out->azure_binding);
	return ST_OK;
}

status_t db_token_inspect(struct db *db, arena_t *a, int revoke, int64_t server_id, const char *host,
			  const char *client_id, const unsigned char hash[CRYPTO_SHA256_LEN],
			  const struct token_claims *token, struct token_check *out)
{
	struct db_rows rows;
	memset(out, 0, sizeof(*out));
	status_t st = revoke ? db_call(db, a, NULL, DB_STMT_TOKEN_REVOKE, &rows, "ntthntti", server_id, host, client_id,
				       hash, token->key_issuer, token->client_id, token->jti, token->expires_us)
			     : db_call(db, a, NULL, DB_STMT_TOKEN_CHECK, &rows, "ntthnntt", server_id, host, client_id,
				       hash, token->key_issuer, token->server_id, token->client_id, token->jti);
	return read_check(a, st, &rows, !revoke, out);
}

status_t db_token_revoke_record(struct db *db, arena_t *a, int64_t issuer_id, const char *jti,
				const char *client_id, int64_t expires_us)
{
	return db_call(db, a, NULL, DB_STMT_TOKEN_REVOKE_RECORD, NULL, "itti", issuer_id, jti, client_id, expires_us);
}

/* ---- key rings ----------------------------------------------------------------------- */

static const struct db_field key_fields[] = {
	DB_FIELD(struct issuer_key, kid, "kid", DB_F_TEXT),
	DB_FIELD(struct issuer_key, alg, "alg", DB_F_TEXT),
	DB_FIELD(struct issuer_key, published_us, "published_us", DB_F_INT64),
	DB_FIELD(struct issuer_key, signs_from_us, "signs_from_us", DB_F_INT64),
	DB_FIELD_OPT(struct issuer_key, public_jwk, "public_jwk", DB_F_TEXT),
	DB_FIELD_OPT(struct issuer_key, sealed.key_id, "key_id", DB_F_TEXT),
};

/* Rows of api.issuer_keys into keys; the sealed part where the statement returns it. */
static status_t read_keys(arena_t *a, status_t st, const struct db_rows *rows, struct issuer_key **out, size_t *n)
{
	if (st != ST_OK)
		return st;
	if ((st = db_fields_rows(a, rows, key_fields, DB_NFIELDS(key_fields), NULL, sizeof(**out), (void **)out,
				 n)) != ST_OK)
		return st;
	for (size_t i = 0; i < *n; i++) {
		struct issuer_key *k = &(*out)[i];
		const char *state = db_text(rows, (int)i, "state");
		k->state = strcmp(state, "next") == 0 ? KEY_NEXT : strcmp(state, "current") == 0 ? KEY_CURRENT
												   : KEY_PREVIOUS;
		if (k->sealed.key_id != NULL)
			k->sealed.bytes = db_bytes(a, rows, (int)i, "ciphertext", &k->sealed.len);
	}
	return ST_OK;
}

status_t db_key_by_kid(struct db *db, arena_t *a, const char *kid, int64_t *issuer_id, struct issuer_key *out)
{
	struct db_rows rows;
	struct issuer_key *keys;
	size_t n;
	status_t st = read_keys(a, db_call(db, a, NULL, DB_STMT_KEY_BY_KID, &rows, "t", kid), &rows, &keys, &n);
	if (st != ST_OK)
		return st;
	if (n != 1)
		return ST_NOT_FOUND;
	*issuer_id = db_int(&rows, 0, "issuer_id");
	*out = keys[0];
	return ST_OK;
}

status_t db_issuer_keys(struct db *db, arena_t *a, int64_t issuer_id, struct issuer_key **out, size_t *n)
{
	struct db_rows rows;
	return read_keys(a, db_call(db, a, NULL, DB_STMT_ISSUER_KEYS, &rows, "i", issuer_id), &rows, out, n);
}

status_t db_issuer_ensure(struct db *db, arena_t *a, int64_t server_id, int64_t tenant_id, const char *host,
			  const char *alg, int64_t *issuer_id)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_ISSUER_ENSURE, &rows, "nntt", server_id, tenant_id, host, alg);
	if (st == ST_OK)
		*issuer_id = db_int(&rows, 0, "issuer_id");
	return st;
}

status_t db_issuer_add_key(struct db *db, arena_t *a, int64_t issuer_id, int first, const struct issuer_key *key,
			   int64_t period, int64_t min_published, int *added)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_ISSUER_ADD_KEY, &rows, "ittttt" "xii", issuer_id,
			      first ? "first" : "next", key->kid, key->alg, key->public_jwk, key->sealed.key_id,
			      key->sealed.bytes, key->sealed.len, period, min_published);
	if (st == ST_OK)
		*added = db_bool(&rows, 0, "added");
	return st;
}

static const struct db_field public_fields[] = {
	DB_FIELD(struct issuer_public, found, "found", DB_F_BOOL),
	DB_FIELD(struct issuer_public, tenant_id, "tenant_id", DB_F_INT64),
	DB_FIELD(struct issuer_public, issuer_id, "issuer_id", DB_F_INT64),
	DB_FIELD(struct issuer_public, keys, "keys", DB_F_TEXT),
	DB_FIELD(struct issuer_public, algs, "algs", DB_F_TEXT),
	DB_FIELD(struct issuer_public, scopes, "scopes", DB_F_TEXT),
	DB_FIELD(struct issuer_public, client_credentials, "client_credentials", DB_F_BOOL),
	DB_FIELD(struct issuer_public, tenant_host, "tenant_host", DB_F_BOOL),
};

status_t db_issuer_public(struct db *db, arena_t *a, int64_t server_id, const char *host,
			  struct issuer_public *out)
{
	struct db_rows rows;
	memset(out, 0, sizeof(*out));
	status_t st = db_call(db, a, NULL, DB_STMT_ISSUER_PUBLIC, &rows, "nt", server_id, host);
	return db_fields_one(a, st, &rows, public_fields, DB_NFIELDS(public_fields), ST_INTERNAL, out);
}

/* ---- authzctl ------------------------------------------------------------------------ */

static const struct db_field rotation_fields[] = {
	DB_FIELD(struct key_rotation, promoted_kid, "promoted_kid", DB_F_TEXT),
	DB_FIELD(struct key_rotation, promoted_from_us, "promoted_from_us", DB_F_INT64),
	DB_FIELD(struct key_rotation, next_kid, "next_kid", DB_F_TEXT),
	DB_FIELD(struct key_rotation, next_from_us, "next_from_us", DB_F_INT64),
};

status_t db_issuer_lookup(struct db *db, arena_t *a, int64_t server_id, int64_t tenant_id, int64_t *issuer_id,
			  const char **alg)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_ISSUER_LOOKUP, &rows, "nn", server_id, tenant_id);
	if (st == ST_OK) {
		*issuer_id = db_int(&rows, 0, "issuer_id");
		*alg = db_text(&rows, 0, "alg");
	}
	return st;
}

status_t db_issuer_rotate(struct db *db, arena_t *a, int64_t issuer_id, const char *alg, int64_t min_published,
			  int64_t period, const struct issuer_key *new_next, struct key_rotation *out)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_ISSUER_ROTATE, &rows, "itiitttt" "x", issuer_id, alg, min_published,
			      period, new_next->kid, new_next->alg, new_next->public_jwk, new_next->sealed.key_id,
			      new_next->sealed.bytes, new_next->sealed.len);
	return db_fields_one(a, st, &rows, rotation_fields, DB_NFIELDS(rotation_fields), ST_INTERNAL, out);
}

status_t db_keys_list(struct db *db, arena_t *a, int64_t server_id, int64_t tenant_id, struct issuer_key **out,
		      size_t *n)
{
	struct db_rows rows;
	return read_keys(a, db_call(db, a, NULL, DB_STMT_KEYS_LIST, &rows, "nn", server_id, tenant_id), &rows, out, n);
}

static const struct db_field server_issuer_fields[] = {
	DB_FIELD(struct server_issuer, id, "id", DB_F_INT64),
	DB_FIELD(struct server_issuer, tenant, "tenant", DB_F_TEXT),
	DB_FIELD(struct server_issuer, name, "name", DB_F_TEXT),
	DB_FIELD(struct server_issuer, dialect, "dialect", DB_F_TEXT),
	DB_FIELD(struct server_issuer, resource_name, "resource_name", DB_F_TEXT),
};

status_t db_server_issuers(struct db *db, arena_t *a, const char *tenant, struct server_issuer **out, size_t *n)
{
	struct db_rows rows;
	status_t st = db_call(db, a, NULL, DB_STMT_SERVER_ISSUERS, &rows, "t", tenant);
	return st != ST_OK ? st : db_fields_rows(a, &rows, server_issuer_fields, DB_NFIELDS(server_issuer_fields), NULL,
						  sizeof(**out), (void **)out, n);
}

/* ---- issuance counts ------------------------------------------------------------------- */

/* One worker is one process with one connection, so its counts are plain statics. A slot
 * is one (server, UTC day, algorithm); a second's worth rarely needs more than a few. */
#define ISSUED_SLOTS 64

static struct issued_slot {
	int64_t server_id;
	char day[11];            /* YYYY-MM-DD, UTC */
	char alg[8];
	int64_t count;
} issued[ISSUED_SLOTS];
static size_t nissued;
static struct timespec last_flush;

static double seconds_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Writes every slot with one statement; a failed write keeps them for the next try. */
static status_t flush(struct db *db, arena_t *a)
{
	const char *servers[ISSUED_SLOTS], *days[ISSUED_SLOTS], *algs[ISSUED_SLOTS], *counts[ISSUED_SLOTS];
	for (size_t i = 0; i < nissued; i++) {
		servers[i] = arena_sprintf(a, "%lld", (long long)issued[i].server_id);
		days[i] = issued[i].day;
		algs[i] = issued[i].alg;
		counts[i] = arena_sprintf(a, "%lld", (long long)issued[i].count);
	}
	clock_gettime(CLOCK_MONOTONIC, &last_flush);
	status_t st = db_call(db, a, NULL, DB_STMT_TOKEN_ISSUED_FLUSH, NULL, "aaaa", servers, nissued, days, nissued,
			      algs, nissued, counts, nissued);
	if (st == ST_OK)
		nissued = 0;
	else
		log_warn("db: token counts not written (%zu kept for the next try)", nissued);
	return st;
}

void db_token_count_issued(struct db *db, arena_t *a, int64_t server_id, const char *alg)
{
	char day[11];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	for (size_t i = 0; i < nissued; i++)
		if (issued[i].server_id == server_id && strcmp(issued[i].day, day) == 0 &&
		    strcmp(issued[i].alg, alg) == 0) {
			issued[i].count++;
			return;
		}
	/* inside a token request, so not background work */
	if (nissued == ISSUED_SLOTS && flush(db, a) != ST_OK)
		return;         /* the database is away: this one token goes uncounted */
	struct issued_slot *s = &issued[nissued++];
	s->server_id = server_id;
	memcpy(s->day, day, sizeof(day));
	snprintf(s->alg, sizeof(s->alg), "%s", alg);
	s->count = 1;
}

status_t db_token_flush_counts(struct db *db, arena_t *a, int force)
{
	if (nissued == 0 || (!force && seconds_since(&last_flush) < 1.0))
		return ST_OK;
	uint64_t before = db_counters(db)->round_trips;
	status_t st = flush(db, a);
	db_count_background(db, before);     /* after a response or at exit: no request waits */
	return st;
}

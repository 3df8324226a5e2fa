/* /healthz answers from the worker alone (is the process serving?); /readyz runs one query
 * (can it do useful work?), so a load balancer can tell the two apart. That query also reads
 * the schema's migration level: a schema older than the newest migration this binary was
 * built with is not ready (a deploy that skipped `authzctl migrate`), and the 503 says which
 * level was expected and which found. A newer schema is ready: migrations only add, so the
 * binary of the previous release keeps working during a rolling deploy. */
#include "dialect/probe.h"

#include <string.h>

#include "core/service.h"
#include "db/db.h"
#include "dialect/dialect.h"
#include "http/response.h"

status_t probe_healthz(struct request *r)
{
	http_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
	return ST_OK;
}

status_t probe_readyz(struct request *r)
{
	const char *found = NULL, *expected = db_schema_level();
	status_t st = db_probe_ready(r->svc->db, r->arena, &found);
	if (st != ST_OK)
		return error_set(&r->err, ST_UNAVAILABLE, NULL, "database unavailable");
	/* levels are four digits, so they compare as strings */
	if (found == NULL || strcmp(found, expected) < 0) {
		error_set(&r->err, ST_UNAVAILABLE, NULL, "the database schema is older than this binary");
		error_add_message(&r->err, "expected_migration", expected);
		error_add_message(&r->err, "found_migration", found ? found : "none");
		return ST_UNAVAILABLE;
	}
	http_reply_json(r, 200, json_pack("{s:s,s:s}", "status", "ready", "migration", found));
	return ST_OK;
}

/* {"message", "statusCode"}, and each detail (which only the probes add) as a member of its
 * own: its field name, its message. */
static void reply_error(struct request *r)
{
	int code = status_http_code(r->err.status);
	const char *message = r->err.message ? r->err.message : status_reason(code);
	json_t *body = json_pack("{s:s,s:i}", "message", message, "statusCode", code);
	for (size_t i = 0; i < r->err.ndetails; i++)
		if (r->err.details[i].rule == RULE_MESSAGE && r->err.details[i].message != NULL)
			json_object_set_new(body, r->err.details[i].field, json_string(r->err.details[i].message));
	http_reply_json(r, code, body);
}

const struct dialect dialect_plain = { "plain", reply_error };

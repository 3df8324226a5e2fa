/* /healthz answers from the worker alone (is the process serving?); /readyz runs one query
 * (can it do useful work?), so a load balancer can tell the two apart. */
#include "dialect/probe.h"

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
	status_t st = db_probe_ready(r->svc->db, r->arena);
	if (st != ST_OK)
		return error_set(&r->err, ST_UNAVAILABLE, NULL, "database unavailable");
	http_reply_json(r, 200, json_pack("{s:s}", "status", "ready"));
	return ST_OK;
}

static void reply_error(struct request *r)
{
	int code = status_http_code(r->err.status);
	const char *message = r->err.message ? r->err.message : status_reason(code);
	http_reply_json(r, code, json_pack("{s:s,s:i}", "message", message, "statusCode", code));
}

const struct dialect dialect_plain = { "plain", reply_error };

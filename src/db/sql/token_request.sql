-- POST /oauth2/{id}/v1/token and /oidc/2/token, in one statement (the hot path: no function
-- calls, one plan). $1 the server (NULL on OneLogin's paths: the tenant of host $2, and the
-- server among the client's links whose resource identifier or an audience is $3, or its
-- only link without $3), $4 the client id, $5 the SHA-256 of its secret.
-- outcome, the client's: ok | check_secret (the server's own client: the worker opens the
--   sealed secret and compares) | throttled (retry_after) | invalid_client (the worker then
--   counts the failure, token_client_failed.sql) | no_server | unlinked.
-- refusal, once the client is known: NULL | no_grant | no_target | ambiguous.
-- scopes: what the link grants (JSON array); for the server's own client NULL and
-- default_scope instead. The secret's last_used_at is written at most once a minute.
WITH tenant AS (
    SELECT CASE WHEN $1::bigint IS NOT NULL THEN (SELECT s.tenant_id FROM servers s WHERE s.id = $1::bigint)
                ELSE coalesce((SELECT h.tenant_id FROM tenant_hosts h WHERE h.host = lower($2::text)),
                              (SELECT t.id FROM tenants t WHERE t.name = 'default')) END AS id,
           $1::bigint IS NULL AND EXISTS (SELECT 1 FROM tenant_hosts h WHERE h.host = lower($2::text)) AS by_host
), client AS (
    SELECT t.id AS tenant_id, t.by_host,
           (SELECT greatest(1, ceil(extract(epoch FROM f.window_started_at + interval '60 seconds' - now()))::int)
            FROM login_failures f
            WHERE f.kind = 'client' AND f.subject = left(t.id::text || ':' || $4::text, 512)
              AND f.window_started_at > now() - interval '60 seconds' AND f.failures >= 10) AS wait,
           a.id AS app_id, sec.id AS secret_id, sec.last_used_at,
           EXISTS (SELECT 1 FROM server_configurations c
                   WHERE $1::bigint IS NOT NULL AND c.server_id = $1::bigint AND c.client_id = $4::text) AS own
    FROM tenant t
    LEFT JOIN applications a ON a.tenant_id = t.id AND a.client_id = $4::text
    LEFT JOIN application_secrets sec ON sec.application_id = a.id AND sec.secret_hash = $5::bytea
         AND (sec.expires_at IS NULL OR sec.expires_at > now())
), links AS (
    -- the servers this application may ask: $1, or those of its links that $3 names
    SELECT ARRAY(SELECT sa.server_id FROM server_applications sa JOIN servers s ON s.id = sa.server_id
                 WHERE sa.application_id = c.app_id AND s.tenant_id = c.tenant_id
                   AND ($1::bigint IS NULL OR sa.server_id = $1::bigint)
                   AND ($1::bigint IS NOT NULL OR $3::text IS NULL
                        OR EXISTS (SELECT 1 FROM server_configurations sc WHERE sc.server_id = sa.server_id
                                   AND sc.resource_identifier = $3::text)
                        OR EXISTS (SELECT 1 FROM server_audiences au WHERE au.server_id = sa.server_id
                                   AND au.audience = $3::text))
                 ORDER BY sa.server_id LIMIT 2) AS ids
    FROM client c
), judged AS (
    SELECT c.*,
           CASE WHEN c.tenant_id IS NULL THEN 'no_server'
                WHEN c.wait IS NOT NULL THEN 'throttled'
                WHEN c.secret_id IS NOT NULL THEN
                    CASE WHEN cardinality(l.ids) > 0 OR ($1::bigint IS NULL AND $3::text IS NOT NULL) THEN 'ok'
                         ELSE 'unlinked' END
                WHEN c.app_id IS NULL AND c.own THEN 'check_secret'
                ELSE 'invalid_client' END AS outcome,
           CASE WHEN $1::bigint IS NOT NULL THEN $1::bigint WHEN cardinality(l.ids) = 1 THEN l.ids[1] END AS server_id,
           CASE WHEN $1::bigint IS NULL AND c.secret_id IS NOT NULL AND cardinality(l.ids) <> 1 THEN
                    CASE WHEN cardinality(l.ids) = 0 THEN 'no_target' ELSE 'ambiguous' END END AS target_refusal
    FROM client c, links l
), touched AS (
    UPDATE application_secrets sec SET last_used_at = now()
    FROM judged j
    WHERE sec.id = j.secret_id AND j.outcome = 'ok'
      AND (sec.last_used_at IS NULL OR sec.last_used_at < now() - interval '1 minute')
    RETURNING sec.id
)
SELECT j.outcome, j.tenant_id,
       coalesce(j.target_refusal,
                CASE WHEN NOT EXISTS (SELECT 1 FROM server_grant_types g
                                      WHERE g.server_id = j.server_id AND g.grant_type_id = 4) THEN 'no_grant' END)
           AS refusal,
       coalesce(j.wait, 0) AS retry_after, j.server_id,
       cfg.resource_identifier,
       coalesce((SELECT json_agg(au.audience ORDER BY au.position) FROM server_audiences au
                 WHERE au.server_id = j.server_id), '[]')::text AS audiences,
       cfg.access_token_lifetime_minutes AS ttl_minutes,
       CASE WHEN j.app_id IS NOT NULL THEN
           coalesce((SELECT json_agg(sc.value ORDER BY sc.value) FROM server_application_scopes l
                     JOIN server_scopes sc ON sc.id = l.scope_id
                     WHERE l.server_id = j.server_id AND l.application_id = j.app_id), '[]')::text END AS scopes,
       CASE WHEN j.app_id IS NULL THEN cfg.default_scope END AS default_scope,
       own.key_id AS azure_key_id, own.ciphertext AS azure_ciphertext,
       lower(own.subscription_id || '/' || own.resource_group || '/' || own.service_name || '/' ||
             own.resource_name || '/client_secret') AS azure_binding,
       j.by_host AS tenant_host,
       i.id AS issuer_id, i.alg AS issuer_alg,
       (SELECT k.kid FROM signing_keys k WHERE k.issuer_id = i.id AND k.signs_from <= now()
        ORDER BY k.signs_from DESC LIMIT 1) AS current_kid,
       (SELECT k.kid FROM signing_keys k WHERE k.issuer_id = i.id AND k.signs_from > now()
        ORDER BY k.signs_from LIMIT 1) AS next_kid,
       (SELECT count(*) FROM touched) AS touched
FROM judged j
LEFT JOIN server_configurations cfg ON cfg.server_id = j.server_id AND j.outcome IN ('ok', 'check_secret')
LEFT JOIN issuers i ON j.outcome IN ('ok', 'check_secret')
     AND i.id = CASE WHEN $1::bigint IS NOT NULL THEN (SELECT x.id FROM issuers x WHERE x.server_id = $1::bigint)
                     ELSE (SELECT x.id FROM issuers x WHERE x.tenant_id = j.tenant_id AND x.server_id IS NULL) END
LEFT JOIN LATERAL (
    SELECT sec.key_id, sec.ciphertext, az.subscription_id, az.resource_group, az.service_name, s.resource_name
    FROM server_secrets sec JOIN servers s ON s.id = sec.server_id JOIN azure_services az ON az.id = s.azure_service_id
    WHERE j.outcome = 'check_secret' AND sec.server_id = j.server_id AND sec.name = 'client_secret'
) AS own ON true

-- POST /oauth2/{id}/v1/token and /oidc/2/token, in one statement whose plan is kept (the
-- caller's function is inlined). $1 the server (NULL on OneLogin's paths: the tenant of
-- host $2, and the server among the client's links whose resource identifier or an audience
-- is $3, or its only link without $3), $4 the client id, $5 the SHA-256 of its secret.
-- outcome: the caller's (api.token_caller); on invalid_client the worker counts the
-- failure (token_client_failed.sql).
-- refusal, once the client is known: NULL | no_grant | no_target | ambiguous.
-- scopes: what the link grants (JSON array); for the server's own client NULL and
-- default_scope instead. The secret's last use is written at most once a minute.
WITH c AS (
    SELECT * FROM api.token_caller($1::bigint, $2::text, $4::text, $5::bytea)
), picked AS (
    -- the server: $1, or the one of the application's links that $3 names
    SELECT c.*,
           CASE WHEN $1::bigint IS NOT NULL THEN ARRAY[$1::bigint]
                ELSE ARRAY(SELECT sa.server_id FROM server_applications sa JOIN servers s ON s.id = sa.server_id
                           WHERE sa.application_id = c.app_id AND s.tenant_id = c.tenant_id
                             AND ($3::text IS NULL
                                  OR EXISTS (SELECT 1 FROM server_configurations sc WHERE sc.server_id = sa.server_id
                                             AND sc.resource_identifier = $3::text)
                                  OR EXISTS (SELECT 1 FROM server_audiences au WHERE au.server_id = sa.server_id
                                             AND au.audience = $3::text))
                           ORDER BY sa.server_id LIMIT 2) END AS ids
    FROM c
), j AS (
    SELECT p.*, CASE WHEN cardinality(p.ids) = 1 THEN p.ids[1] END AS server_id
    FROM picked p
), touched AS (
    SELECT api.token_secret_used(j.secret_id) FROM j
    WHERE j.outcome = 'ok' AND (j.secret_used_at IS NULL OR j.secret_used_at < now() - interval '1 minute')
)
SELECT j.outcome, j.tenant_id,
       CASE WHEN j.outcome NOT IN ('ok', 'check_secret') THEN NULL
            WHEN cardinality(j.ids) = 0 THEN 'no_target'
            WHEN cardinality(j.ids) > 1 THEN 'ambiguous'
            WHEN NOT EXISTS (SELECT 1 FROM server_grant_types g WHERE g.server_id = j.server_id
                             AND g.grant_type_id = 4) THEN 'no_grant' END AS refusal,
       j.retry_after, j.server_id,
       cfg.resource_identifier,
       coalesce((SELECT json_agg(au.audience ORDER BY au.position) FROM server_audiences au
                 WHERE au.server_id = j.server_id), '[]')::text AS audiences,
       cfg.access_token_lifetime_minutes AS ttl_minutes,
       CASE WHEN j.app_id IS NOT NULL THEN
           coalesce((SELECT json_agg(sc.value ORDER BY sc.value) FROM server_application_scopes l
                     JOIN server_scopes sc ON sc.id = l.scope_id
                     WHERE l.server_id = j.server_id AND l.application_id = j.app_id), '[]')::text END AS scopes,
       CASE WHEN j.app_id IS NULL THEN cfg.default_scope END AS default_scope,
       own.azure_key_id, own.azure_ciphertext, own.azure_binding,
       j.tenant_host,
       i.id AS issuer_id, i.alg AS issuer_alg,
       (SELECT k.kid FROM signing_keys k WHERE k.issuer_id = i.id AND k.signs_from <= now()
        ORDER BY k.signs_from DESC LIMIT 1) AS current_kid,
       (SELECT k.kid FROM signing_keys k WHERE k.issuer_id = i.id AND k.signs_from > now()
        ORDER BY k.signs_from LIMIT 1) AS next_kid,
       (SELECT count(*) FROM touched) AS touched
FROM j
LEFT JOIN server_configurations cfg ON cfg.server_id = j.server_id AND j.outcome IN ('ok', 'check_secret')
LEFT JOIN LATERAL api.issuer_row($1::bigint, j.tenant_id) AS i ON j.outcome IN ('ok', 'check_secret')
LEFT JOIN LATERAL api.own_client_secret(j.server_id) AS own ON j.outcome = 'check_secret'

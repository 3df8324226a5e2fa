-- What POST /oauth2/$1/v1/token would decide for client $2 of the caller's tenant had the
-- client authenticated: token_request.sql's columns (read by the same field map) and the
-- current key's algorithm, with nothing written (no secret's last use, no failure counted).
-- outcome: ok (an application linked to the server), check_secret (the server's own Azure
-- client), unlinked (an application not linked to it) or invalid_client (no such client in
-- the tenant). No row: no such server in the caller's tenant. The columns after refusal are
-- token_request.sql's (its plan stays one inlined statement, so they are not shared through
-- a function); tests/http_native.c holds the preview's claims against a real token's.
WITH j AS (
    SELECT s.id AS server_id, s.tenant_id, a.id AS app_id,
           CASE WHEN a.id IS NOT NULL THEN
                     CASE WHEN EXISTS (SELECT 1 FROM server_applications sa
                                       WHERE sa.application_id = a.id AND sa.server_id = s.id)
                          THEN 'ok' ELSE 'unlinked' END
                WHEN EXISTS (SELECT 1 FROM server_configurations c WHERE c.server_id = s.id AND c.client_id = $2::text)
                     THEN 'check_secret'
                ELSE 'invalid_client' END AS outcome
    FROM servers s
    LEFT JOIN applications a ON a.tenant_id = s.tenant_id AND a.client_id = $2::text
    WHERE s.id = $1::bigint AND s.tenant_id = api.current_tenant()
)
SELECT j.outcome, j.tenant_id,
       CASE WHEN j.outcome NOT IN ('ok', 'check_secret') THEN NULL
            WHEN NOT EXISTS (SELECT 1 FROM server_grant_types g WHERE g.server_id = j.server_id
                             AND g.grant_type_id = 4) THEN 'no_grant' END AS refusal,
       0 AS retry_after, j.server_id,
       cfg.resource_identifier,
       coalesce((SELECT json_agg(au.audience ORDER BY au.position) FROM server_audiences au
                 WHERE au.server_id = j.server_id), '[]')::text AS audiences,
       cfg.access_token_lifetime_minutes AS ttl_minutes,
       CASE WHEN j.app_id IS NOT NULL THEN
           coalesce((SELECT json_agg(sc.value ORDER BY sc.value) FROM server_application_scopes l
                     JOIN server_scopes sc ON sc.id = l.scope_id
                     WHERE l.server_id = j.server_id AND l.application_id = j.app_id), '[]')::text END AS scopes,
       CASE WHEN j.app_id IS NULL THEN cfg.default_scope END AS default_scope,
       false AS tenant_host,
       i.id AS issuer_id, i.alg AS issuer_alg,
       cur.kid AS current_kid, cur.alg AS current_alg,
       (SELECT k.kid FROM signing_keys k WHERE k.issuer_id = i.id AND k.signs_from > now()
        ORDER BY k.signs_from LIMIT 1) AS next_kid
FROM j
LEFT JOIN server_configurations cfg ON cfg.server_id = j.server_id
LEFT JOIN LATERAL api.issuer_row($1::bigint, j.tenant_id) AS i ON true
LEFT JOIN LATERAL (SELECT k.kid, k.alg FROM signing_keys k WHERE k.issuer_id = i.id AND k.signs_from <= now()
                   ORDER BY k.signs_from DESC LIMIT 1) AS cur ON true

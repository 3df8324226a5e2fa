-- POST .../introspect, in one statement: the caller ($3, digest $4) of server $1 (NULL: of
-- the tenant of host $2; api.token_caller, inlined) and whether the token the worker
-- verified with a key of ring $5 (NULL: with none) is still active: $5 is this endpoint's
-- ring, its jti ($8) is not revoked, and its client ($7) is still linked to its server ($6;
-- a server deleted is linked to nobody). On invalid_client the worker counts the failure.
SELECT c.outcome, c.retry_after, c.tenant_id, c.tenant_host, i.id AS issuer_id,
       c.outcome IN ('ok', 'check_secret') AND i.id = $5::bigint
       AND NOT EXISTS (SELECT 1 FROM token_revocations r WHERE r.issuer_id = i.id AND r.jti = $8::text)
       AND (EXISTS (SELECT 1 FROM server_applications sa JOIN applications a ON a.id = sa.application_id
                    JOIN servers s ON s.id = sa.server_id
                    WHERE sa.server_id = $6::bigint AND a.client_id = $7::text
                      AND a.tenant_id = c.tenant_id AND s.tenant_id = c.tenant_id)
            OR EXISTS (SELECT 1 FROM server_configurations sc WHERE sc.server_id = $6::bigint
                       AND $1::bigint = $6::bigint AND sc.client_id = $7::text)) AS active,
       own.azure_key_id, own.azure_ciphertext, own.azure_binding
FROM api.token_caller($1::bigint, $2::text, $3::text, $4::bytea) AS c
LEFT JOIN LATERAL api.issuer_row($1::bigint, c.tenant_id) AS i ON true
LEFT JOIN LATERAL api.own_client_secret($1::bigint) AS own ON c.outcome = 'check_secret'

-- The live access token $1 of the caller's tenant with its grant.
SELECT api.us(g.access_issued_at) AS access_issued_us, api.us(t.expires_at) AS access_expires_us,
       api.us(g.issued_at) AS grant_issued_us, api.us(g.expires_at) AS grant_expires_us,
       g.scope, 'local:{' || i.universal || '}' AS identity, a.client_id AS application
FROM grant_tokens t
JOIN grants g ON g.id = t.grant_id
JOIN identities i ON i.id = g.identity_id
JOIN applications a ON a.id = g.application_id
WHERE t.token_hash = $1::bytea AND t.kind = 'access' AND t.revoked_at IS NULL AND t.expires_at > now()
  AND g.revoked_at IS NULL AND g.expires_at > now() AND i.enabled AND a.tenant_id = api.current_tenant()

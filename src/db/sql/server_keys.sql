-- The signing keys of server $1 of the caller's tenant, newest first, and never a private
-- part: kid, algorithm, state (next, current or previous: api.issuer_keys), when each was
-- published and when it signs from. No row: no such server; one row with a NULL kid: a
-- server whose ring is not made yet (its first token or JWKS request makes it).
SELECT k.kid, k.alg, k.state, k.published_us, k.signs_from_us
FROM servers s
LEFT JOIN issuers i ON i.server_id = s.id
LEFT JOIN LATERAL api.issuer_keys(i.id) AS k ON true
WHERE s.id = $1::bigint AND s.tenant_id = api.current_tenant()
ORDER BY k.signs_from_us DESC

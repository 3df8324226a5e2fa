-- The sealed secrets of a server ($1..$3 the service triple, $4 its name): one row per
-- secret, or one row with a NULL name when it has none; no row when there is no server.
SELECT s.version, x.name, x.key_id, x.ciphertext
FROM api.azure_service_lookup($1::text, $2::text, $3::text) AS v
JOIN servers s ON s.azure_service_id = v.id AND lower(s.resource_name) = lower($4::text)
LEFT JOIN server_secrets x ON x.server_id = s.id
ORDER BY x.name

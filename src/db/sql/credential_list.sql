-- authzctl credentials list [--tenant $1]: never a secret or its hash.
SELECT c.client_id, t.name AS tenant, array_to_string(c.scopes, ', ') AS scopes, c.description,
       api.us(c.created_at) AS created_us, api.us(c.last_used_at) AS last_used_us,
       api.us(c.revoked_at) AS revoked_us
FROM api_credentials c JOIN tenants t ON t.id = c.tenant_id
WHERE $1::text IS NULL OR t.name = $1::text
ORDER BY c.id

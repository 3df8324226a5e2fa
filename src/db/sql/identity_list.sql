-- authzctl identities list [--tenant $1]: never a password hash.
SELECT 'local:{' || i.universal || '}' AS universal, t.name AS tenant, i.username, i.maximum_scope,
       i.enabled, api.us(i.created_at) AS created_us
FROM identities i JOIN tenants t ON t.id = i.tenant_id
WHERE $1::text IS NULL OR t.name = $1::text
ORDER BY i.id

-- The secrets of application $1 of the caller's tenant, oldest first, never their hashes.
-- No row: no such application; one row with a NULL id: an application without secrets.
SELECT s.id, api.us(s.created_at) AS created_us, api.us(s.expires_at) AS expires_us,
       api.us(s.last_used_at) AS last_used_us
FROM applications a LEFT JOIN application_secrets s ON s.application_id = a.id
WHERE a.id = $1::bigint AND a.tenant_id = api.current_tenant()
ORDER BY s.id

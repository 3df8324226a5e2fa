-- The management credential the caller's token belongs to: its client id, scopes and tenant.
SELECT c.client_id, to_jsonb(c.scopes) AS scopes, t.name AS tenant
FROM api_credentials c JOIN tenants t ON t.id = c.tenant_id
WHERE c.id = api.current_credential() AND c.tenant_id = api.current_tenant()

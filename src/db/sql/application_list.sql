-- The caller's applications in id order (at most 1000).
SELECT * FROM api.application_rows WHERE tenant_id = api.current_tenant() ORDER BY id LIMIT 1000

-- One authorization server of the caller's tenant ($1 id): see api.server_rows.
SELECT * FROM api.server_rows WHERE id = $1::bigint AND tenant_id = api.current_tenant()

-- One application of the caller's tenant by id ($1).
SELECT * FROM api.application_rows WHERE id = $1::bigint AND tenant_id = api.current_tenant()

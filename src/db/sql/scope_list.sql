-- The scopes of server $1 of the caller's tenant. No row: no such server; one row with a
-- NULL scope id: a server without scopes.
SELECT s.id AS server_id, x.id, x.value, x.description
FROM servers s LEFT JOIN server_scopes x ON x.server_id = s.id
WHERE s.id = $1::bigint AND s.tenant_id = api.current_tenant()
ORDER BY x.id

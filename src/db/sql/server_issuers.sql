-- authzctl servers list: every server (of tenant $1, or all for NULL) and its dialect.
SELECT id, tenant, name, resource_name, dialect FROM api.server_issuers
WHERE $1::text IS NULL OR tenant = $1::text
ORDER BY id

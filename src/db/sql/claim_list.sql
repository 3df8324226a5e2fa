-- The claims of server $1 of the caller's tenant (no row: no such server; a NULL id: none).
SELECT s.id AS server_id, x.id, x.name, x.label, x.user_attribute_mappings, x.user_attribute_macros,
       x.attributes_transformations, x.skip_if_blank, x."values"::text AS "values", x.default_values,
       x.provisioned_entitlements
FROM servers s LEFT JOIN server_claims x ON x.server_id = s.id
WHERE s.id = $1::bigint AND s.tenant_id = api.current_tenant()
ORDER BY x.id

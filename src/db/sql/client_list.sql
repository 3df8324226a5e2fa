-- The applications linked to server $1 of the caller's tenant, each with the scopes it may
-- request (a JSON array). No row: no such server; a NULL application: none linked.
SELECT s.id AS server_id, sa.application_id, ap.name,
       (SELECT coalesce(json_agg(json_build_object('id', sc.id, 'value', sc.value,
                                                   'description', sc.description) ORDER BY sc.id), '[]')
        FROM server_application_scopes sas JOIN server_scopes sc ON sc.id = sas.scope_id
        WHERE sas.server_id = sa.server_id AND sas.application_id = sa.application_id)::text AS scopes
FROM servers s
LEFT JOIN server_applications sa ON sa.server_id = s.id
LEFT JOIN applications ap ON ap.id = sa.application_id
WHERE s.id = $1::bigint AND s.tenant_id = api.current_tenant()
ORDER BY sa.application_id

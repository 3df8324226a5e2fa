-- One authorization server of the caller's tenant ($1 id), with its configuration and
-- audiences. The configuration is joined LATERAL ... LIMIT 1 so that a generic plan still
-- looks it up by key instead of joining the whole table.
SELECT s.id, s.name, s.description, c.resource_identifier,
       c.access_token_lifetime_minutes, c.refresh_token_lifetime_minutes,
       (SELECT coalesce(json_agg(a.audience ORDER BY a.position), '[]')
        FROM server_audiences a WHERE a.server_id = s.id)::text AS audiences,
       s.version
FROM servers s
JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true
WHERE s.id = $1::bigint AND s.tenant_id = api.current_tenant()

-- The caller's servers in id order, at most $2, optionally only those whose name contains
-- $1 (case-insensitive; plain text, not a pattern).
SELECT s.id, s.name, s.description, c.resource_identifier,
       c.access_token_lifetime_minutes, c.refresh_token_lifetime_minutes,
       (SELECT coalesce(json_agg(a.audience ORDER BY a.position), '[]')
        FROM server_audiences a WHERE a.server_id = s.id)::text AS audiences,
       s.version
FROM servers s
JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true
WHERE s.tenant_id = api.current_tenant()
  AND ($1::text IS NULL OR strpos(lower(s.name), lower($1::text)) > 0)
ORDER BY s.id
LIMIT $2::int

-- The caller's servers in id order, at most $2, optionally only those whose name contains
-- $1 (case-insensitive, on the stored lower-cased name; plain text, not a pattern).
SELECT * FROM api.server_rows
WHERE tenant_id = api.current_tenant()
  AND ($1::text IS NULL OR strpos(name_key, lower($1::text)) > 0)
ORDER BY id
LIMIT $2::int

-- A page of the caller's applications: $2 at most after skipping $1, ordered by $3 (0 id,
-- 1 name, 2 vendor, 3 access validity), descending when $4.
SELECT a.*, (SELECT count(*) FROM grants g WHERE g.application_id = a.id
                AND g.revoked_at IS NULL AND g.expires_at > now()) AS grant_count
FROM api.application_rows a
WHERE a.tenant_id = api.current_tenant()
ORDER BY
    CASE WHEN NOT $4::boolean THEN CASE $3::int WHEN 1 THEN lower(a.name)
        WHEN 2 THEN lower(coalesce(a.vendor, '')) END END ASC,
    CASE WHEN $4::boolean THEN CASE $3::int WHEN 1 THEN lower(a.name)
        WHEN 2 THEN lower(coalesce(a.vendor, '')) END END DESC,
    CASE WHEN NOT $4::boolean AND $3::int = 3 THEN a.access_validity_seconds END ASC,
    CASE WHEN $4::boolean AND $3::int = 3 THEN a.access_validity_seconds END DESC,
    CASE WHEN $4::boolean AND $3::int = 0 THEN a.id END DESC,
    a.id
OFFSET $1::int LIMIT $2::int

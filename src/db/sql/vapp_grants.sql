-- The live grants of the caller's application with client id $1: $3 at most after
-- skipping $2, with the total. No row: no such application; a NULL grant: none on the page.
WITH app AS (
    SELECT id, client_id FROM applications WHERE client_id = $1::text AND tenant_id = api.current_tenant()
), live AS (
    SELECT g.* FROM app JOIN grants g ON g.application_id = app.id
    WHERE g.revoked_at IS NULL AND g.expires_at > now()
)
SELECT (SELECT count(*) FROM live) AS total, app.client_id AS application, page.*
FROM app LEFT JOIN LATERAL (
    SELECT l.id AS grant_id, api.us(l.access_issued_at) AS access_issued_us, api.us(l.issued_at) AS grant_issued_us,
           api.us(l.expires_at) AS expires_us, 'local:{' || i.universal || '}' AS grantee, l.scope
    FROM live l JOIN identities i ON i.id = l.identity_id
    ORDER BY l.id OFFSET $2::int LIMIT $3::int
) AS page ON true
ORDER BY page.grant_id

-- The caller's applications among client ids $1 (a JSON array), in the order asked, each
-- with its count of live grants.
SELECT a.*, (SELECT count(*) FROM grants g WHERE g.application_id = a.id
                AND g.revoked_at IS NULL AND g.expires_at > now()) AS grant_count
FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS want(client_id, ord)
JOIN LATERAL (SELECT * FROM api.application_rows r
              WHERE r.tenant_id = api.current_tenant() AND r.client_id = want.client_id) AS a ON true
ORDER BY want.ord

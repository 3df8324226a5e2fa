-- The ring of server $1 (NULL: of tenant $2, NULL: of the tenant of host $3), made with
-- algorithm $4 if new.
SELECT api.issuer_ensure($1::bigint, $2::bigint, $3::text, $4::text) AS issuer_id

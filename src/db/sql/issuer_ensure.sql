-- The ring of server $1 (NULL: of the tenant of host $2), made with algorithm $3 if new.
SELECT api.issuer_ensure($1::bigint, $2::text, $3::text) AS issuer_id

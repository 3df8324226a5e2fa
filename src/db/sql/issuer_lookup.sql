-- The ring of server $1 (NULL: of tenant $2), NULL if it has none yet.
SELECT api.issuer_of($1::bigint, $2::bigint) AS issuer_id

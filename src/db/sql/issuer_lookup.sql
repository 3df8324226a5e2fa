-- The ring of server $1 (NULL: of tenant $2) and the algorithm of its new keys; NULLs if it
-- has none yet.
SELECT i.id AS issuer_id, i.alg FROM (SELECT api.issuer_of($1::bigint, $2::bigint) AS id) AS r
LEFT JOIN issuers i ON i.id = r.id

-- Adds key $3 (alg $4, public JWK $5, sealed by key $6 as $7) to ring $1: $2 'first' or
-- 'next' (signing $8 seconds after the current key began, at least $9 seconds from now).
SELECT api.issuer_add_key($1::bigint, $2::text, $3::text, $4::text, $5::jsonb, $6::text, $7::bytea,
                          make_interval(secs => $8::bigint), make_interval(secs => $9::bigint)) AS added

-- authzctl keys rotate: ring $1, algorithm $2 (NULL: as it is); the next key signs once
-- published $3 seconds; the new next key $5 (alg $6, JWK $7, sealed by key $8 as $9) signs
-- $4 seconds after it.
SELECT * FROM api.issuer_rotate($1::bigint, $2::text, make_interval(secs => $3::bigint),
                                make_interval(secs => $4::bigint), $5::text, $6::text, $7::jsonb, $8::text,
                                $9::bytea)

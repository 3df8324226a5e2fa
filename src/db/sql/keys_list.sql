-- authzctl keys list: the live keys of server $1's ring (NULL: of tenant $2's), no private part.
SELECT k.kid, k.alg, k.state, k.published_us, k.signs_from_us
FROM api.issuer_keys(api.issuer_of($1::bigint, $2::bigint)) AS k

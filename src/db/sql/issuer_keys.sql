-- The live keys of issuer $1, sealed private parts included (the worker's key cache).
SELECT kid, alg, state, public_jwk::text AS public_jwk, key_id, ciphertext, published_us, signs_from_us
FROM api.issuer_keys($1::bigint)

-- A live signing key by kid $1, sealed private part included, and its ring.
SELECT issuer_id, kid, alg, state, public_jwk::text AS public_jwk, key_id, ciphertext, published_us,
       signs_from_us
FROM api.key_by_kid($1::text)

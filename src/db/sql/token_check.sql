-- POST .../introspect: the caller ($3, digest $4) of server $1 (NULL: the tenant of host
-- $2), and whether the token verified with a key of ring $5 (NULL: none) for server $6,
-- client $7, jti $8 is still active.
SELECT * FROM api.token_check($1::bigint, $2::text, $3::text, $4::bytea, $5::bigint, $6::bigint, $7::text,
                              $8::text)

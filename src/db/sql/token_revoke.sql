-- POST .../revoke: the caller ($3, digest $4) of server $1 (NULL: the tenant of host $2)
-- revokes its own token, verified with a key of ring $5 (client $6, jti $7, expiring at $8
-- microseconds since the epoch).
SELECT * FROM api.token_revoke($1::bigint, $2::text, $3::text, $4::bytea, $5::bigint, $6::text, $7::text,
                               to_timestamp($8::bigint / 1e6))

-- POST /oauth2/{id}/v1/token and /oidc/2/token: server $1 (NULL: the tenant of host $2, the
-- server picked by resource $3), client $4 with secret digest $5 (api.token_request).
SELECT * FROM api.token_request($1::bigint, $2::text, $3::text, $4::text, $5::bytea)

-- A management request's caller: the bearer token's SHA-256 ($1), the credential scopes
-- that satisfy the route ($2) and the Venafi grant scopes that do ($3, NULL: none).
-- Raises AZ401/AZ403; otherwise the rest of the pipeline runs as this tenant.
SELECT tenant_id, credential_id FROM api.caller_by_token($1::bytea, $2::text[], $3::text[])

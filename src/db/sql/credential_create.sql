-- authzctl credentials create: tenant $1, client id $2, secret hash $3, scopes $4, token
-- lifetime $5 (0: the service default), description $6.
SELECT api.credential_create($1::text, $2::text, $3::bytea, $4::text[], $5::int, $6::text) AS tenant_id

-- One server of an API Management service the caller owns: $1..$3 the service triple, $4
-- the server's name (all matched case-insensitively). See api.azure_server_rows.
SELECT r.*
FROM api.azure_service_lookup($1::text, $2::text, $3::text) AS v
JOIN api.azure_server_rows r ON r.azure_service_id = v.id AND lower(r.resource_name) = lower($4::text)

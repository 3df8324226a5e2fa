-- Delete: $1..$3 the service triple, $4 the name, $5 the expected version (-1 any, -2 none).
SELECT api.azure_delete($1::text, $2::text, $3::text, $4::text, $5::int) AS deleted

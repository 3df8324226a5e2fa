-- CreateOrUpdate: see api.azure_put in sql/api/20_azure.sql for $1..$7.
SELECT * FROM api.azure_put($1::text, $2::text, $3::text, $4::text, $5::jsonb, $6::int, $7::jsonb)

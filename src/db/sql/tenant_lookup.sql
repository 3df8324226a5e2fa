-- The id of tenant $1 (AZ404 if there is none).
SELECT api.tenant_by_name($1::text) AS id

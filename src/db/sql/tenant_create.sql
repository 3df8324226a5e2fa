-- authzctl tenants create NAME.
SELECT api.tenant_create($1::text) AS id

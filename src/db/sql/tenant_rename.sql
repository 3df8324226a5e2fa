-- authzctl tenants rename OLD NEW.
SELECT api.tenant_rename($1::text, $2::text) AS id

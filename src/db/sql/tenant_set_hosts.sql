-- authzctl tenants hosts NAME HOST...: the host names ($2) whose public endpoints are
-- tenant $1's.
SELECT api.tenant_set_hosts($1::text, $2::text[]) AS id

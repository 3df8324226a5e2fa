-- An operator acting in a tenant it named (already resolved to its id, $1).
SELECT api.become_tenant($1::bigint) AS tenant_id

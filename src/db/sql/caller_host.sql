-- A public endpoint's caller: the tenant that claims the host ($1), else 'default'.
SELECT api.caller_by_host($1::text) AS tenant_id

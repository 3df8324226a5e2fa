-- authzctl tenants list.
SELECT t.id, t.name, api.us(t.created_at) AS created_us,
       (SELECT coalesce(json_agg(h.host ORDER BY h.host), '[]') FROM tenant_hosts h WHERE h.tenant_id = t.id)::text AS hosts,
       (SELECT count(*) FROM servers s WHERE s.tenant_id = t.id) AS servers,
       (SELECT count(*) FROM applications a WHERE a.tenant_id = t.id) AS applications
FROM tenants t ORDER BY t.id

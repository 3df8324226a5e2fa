-- The caller's tenant's audit trail, newest first: object type ($1), object id ($2) and
-- actor (the credential's client id, $3) filter when not NULL; $4 (NULL: from the newest)
-- pages with the id of the last event already seen; at most $5 events.
SELECT e.id, api.us(e.occurred_at) AS occurred_us, c.client_id AS actor, e.action, e.object_type,
       e.object_id, e.before, e.after
FROM audit_events e LEFT JOIN api_credentials c ON c.id = e.credential_id
WHERE e.tenant_id = api.current_tenant()
  AND ($1::text IS NULL OR e.object_type = $1::text)
  AND ($2::text IS NULL OR e.object_id = $2::text)
  AND ($3::text IS NULL OR c.client_id = $3::text)
  AND ($4::bigint IS NULL OR e.id < $4::bigint)
ORDER BY e.id DESC
LIMIT $5::bigint

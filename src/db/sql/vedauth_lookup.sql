-- What a password grant needs: application $1 of the caller's tenant (found by host), the
-- identity named $2 in that tenant (NULLs if none), and how long that identity is
-- throttled (0: not).
SELECT a.id AS application_id, coalesce(a.scope, '') AS app_scope,
       coalesce(a.maximum_scope, '') AS app_maximum_scope, a.renewable,
       i.id AS identity_id, 'local:{' || i.universal || '}' AS universal, i.password_hash,
       i.maximum_scope AS identity_maximum_scope, i.enabled,
       api.login_throttled('identity', api.identity_subject($2::text)) AS retry_after
FROM applications a
LEFT JOIN identities i ON i.tenant_id = a.tenant_id AND lower(i.username) = lower($2::text)
WHERE a.tenant_id = api.current_tenant() AND a.client_id = $1::text

-- authzd schema, part 9: SQL reporting (docs/reporting.md documents every view).
--  * Role authzd_reporting (NOLOGIN; the operator grants LOGIN or membership) may use schema
--    reporting, which holds views and nothing else, and SELECT those views. It has no grant
--    on any base table: a view runs with its owner's rights, so the views show what they
--    choose (never a hash, ciphertext, key or token) and the tables stay closed.
--  * Tokens are JWTs and are never stored, so the workers count what they issue per server,
--    day and algorithm in memory and add the counts here at most once a second.
--  * The views read only tables, never schema api (which every migrate drops and re-creates).

-- The role is the cluster's, so it may exist already (another database, a second run after a
-- re-created database, or made by the superuser beforehand as scripts/up does). Making it
-- needs CREATEROLE, which the application's own role should not have.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authzd_reporting') THEN
        BEGIN
            CREATE ROLE authzd_reporting NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'role authzd_reporting does not exist and % may not create it', current_user
                USING HINT = 'as a superuser: CREATE ROLE authzd_reporting NOLOGIN; then authzctl migrate again';
        END;
    END IF;
END
$$;

-- Counts of issued tokens: one row per server, UTC day and signing algorithm. No foreign key
-- to servers: a deleted server's history stays, and a worker's flush never fails on it.
CREATE TABLE token_issuance_daily (
    server_id bigint NOT NULL,
    day       date NOT NULL,
    alg       text NOT NULL CHECK (alg IN ('RS256', 'ES256', 'EdDSA')),
    count     bigint NOT NULL CHECK (count > 0),
    PRIMARY KEY (server_id, day, alg)
);
COMMENT ON TABLE token_issuance_daily IS
    'tokens issued per server, UTC day and algorithm; workers add their counts at most once a second';

CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'read-only views for role authzd_reporting (docs/reporting.md)';
REVOKE ALL ON SCHEMA reporting FROM PUBLIC;

CREATE VIEW reporting.tenants AS
SELECT t.id, t.name, t.created_at,
       ARRAY(SELECT h.host FROM tenant_hosts h WHERE h.tenant_id = t.id ORDER BY h.host) AS hosts
FROM tenants t;

-- server_overview (0003) flattens a server already; this adds what reporting also needs.
CREATE VIEW reporting.servers AS
SELECT o.id,
       s.tenant_id,
       o.tenant,
       CASE WHEN s.azure_service_id IS NOT NULL THEN 'azure' ELSE 'onelogin' END AS dialect,
       o.name, o.description,
       o.azure_subscription_id, o.azure_resource_group, o.azure_service_name, o.azure_name,
       o.resource_identifier, o.access_token_lifetime_minutes, o.refresh_token_lifetime_minutes,
       o.audiences, o.grant_types,
       ARRAY(SELECT sc.value FROM server_scopes sc WHERE sc.server_id = s.id ORDER BY sc.value) AS scopes,
       o.client_registration_endpoint, o.authorization_endpoint, o.token_endpoint, o.client_id, o.default_scope,
       c.support_state,
       o.authorization_methods, o.client_authentication_methods, o.bearer_token_sending_methods,
       -- names only: a parameter's value may be a credential
       ARRAY(SELECT p.name FROM server_token_body_parameters p
             WHERE p.server_id = s.id ORDER BY p.position) AS token_body_parameter_names,
       -- which sealed secrets are stored, never their ciphertext
       o.secrets_stored,
       o.version, o.created_at, o.updated_at
FROM server_overview o
JOIN servers s ON s.id = o.id
JOIN server_configurations c ON c.server_id = o.id;

CREATE VIEW reporting.server_scopes AS
SELECT sc.id, sc.server_id, s.tenant_id, sc.value, sc.description, sc.created_at
FROM server_scopes sc JOIN servers s ON s.id = sc.server_id;

CREATE VIEW reporting.applications AS
SELECT a.id,
       a.tenant_id,
       t.name AS tenant,
       a.client_id,
       a.uuid,
       a.name,
       a.description,
       a.vendor,
       a.url,
       a.scope,
       a.maximum_scope,
       a.access_validity_seconds,
       a.grant_validity_seconds,
       a.renewable,
       ARRAY(SELECT sa.server_id FROM server_applications sa WHERE sa.application_id = a.id
             ORDER BY sa.server_id) AS server_ids,
       (SELECT count(*) FROM application_secrets x
        WHERE x.application_id = a.id AND (x.expires_at IS NULL OR x.expires_at > now())) AS live_secrets,
       (SELECT max(x.created_at) FROM application_secrets x WHERE x.application_id = a.id) AS last_secret_created_at,
       a.created_at,
       a.updated_at
FROM applications a JOIN tenants t ON t.id = a.tenant_id;

CREATE VIEW reporting.application_servers AS
SELECT sa.application_id, sa.server_id, a.tenant_id, sa.created_at AS linked_at,
       ARRAY(SELECT sc.value FROM server_application_scopes l JOIN server_scopes sc ON sc.id = l.scope_id
             WHERE l.server_id = sa.server_id AND l.application_id = sa.application_id
             ORDER BY sc.value) AS scopes
FROM server_applications sa JOIN applications a ON a.id = sa.application_id;

CREATE VIEW reporting.application_secrets AS
SELECT x.id, x.application_id, a.tenant_id, x.created_at, x.expires_at, x.last_used_at
FROM application_secrets x JOIN applications a ON a.id = x.application_id;

CREATE VIEW reporting.credentials AS
SELECT c.id, c.tenant_id, t.name AS tenant, c.client_id, c.scopes, c.token_ttl_seconds, c.description,
       c.created_at, c.last_used_at, c.revoked_at
FROM api_credentials c JOIN tenants t ON t.id = c.tenant_id;

CREATE VIEW reporting.identities AS
SELECT i.id, i.tenant_id, t.name AS tenant, 'local:{' || i.universal || '}' AS universal, i.username,
       i.maximum_scope, i.enabled, i.created_at
FROM identities i JOIN tenants t ON t.id = i.tenant_id;

CREATE VIEW reporting.audit_events AS
SELECT e.id, e.occurred_at, e.tenant_id, t.name AS tenant, e.credential_id, c.client_id AS credential_client_id,
       e.action, e.object_type, e.object_id, e.before, e.after
FROM audit_events e
LEFT JOIN tenants t ON t.id = e.tenant_id
LEFT JOIN api_credentials c ON c.id = e.credential_id;

CREATE VIEW reporting.token_issuance_daily AS
SELECT d.server_id, s.tenant_id, t.name AS tenant, s.name AS server_name, d.day, d.alg, d.count
FROM token_issuance_daily d
LEFT JOIN servers s ON s.id = d.server_id
LEFT JOIN tenants t ON t.id = s.tenant_id;

-- A revocation is kept until the token would have expired, so these are the revocations of
-- tokens still within their lifetime. A tenant issuer's (/oidc/2) jti ends in ".<server id>".
CREATE VIEW reporting.token_revocations_daily AS
SELECT r.server_id, s.tenant_id, t.name AS tenant, s.name AS server_name, r.day, count(*) AS count
FROM (SELECT coalesce(i.server_id, nullif(substring(v.jti FROM '\.([0-9]{1,18})$'), '')::bigint) AS server_id,
             (v.revoked_at AT TIME ZONE 'UTC')::date AS day
      FROM token_revocations v JOIN issuers i ON i.id = v.issuer_id) r
LEFT JOIN servers s ON s.id = r.server_id
LEFT JOIN tenants t ON t.id = s.tenant_id
GROUP BY r.server_id, s.tenant_id, t.name, s.name, r.day;

GRANT USAGE ON SCHEMA reporting TO authzd_reporting;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO authzd_reporting;
-- a view a later migration adds to the schema is readable too
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO authzd_reporting;
-- nothing outside it: no grant exists, and none may linger from a hand-made role
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM authzd_reporting;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM authzd_reporting;

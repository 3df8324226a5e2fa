-- Benchmark data: :tenants tenants "bench-N", :per_tenant servers each (two audiences, a
-- grant type, names in 20 groups so "group 7" lists 1/20 of them), bench-1's servers also
-- as Azure servers srv-1.. of one service, and :apps applications. Runs only when the
-- data is not there yet (bench/run checks). Run as the application role, in one transaction.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO tenants (name)
SELECT 'bench-' || g FROM generate_series(1, :tenants) AS g ON CONFLICT (name) DO NOTHING;

DELETE FROM servers WHERE tenant_id IN (SELECT id FROM tenants WHERE name LIKE 'bench-%');
DELETE FROM applications WHERE tenant_id IN (SELECT id FROM tenants WHERE name LIKE 'bench-%');

-- ordered so each tenant's ids are contiguous
INSERT INTO servers (tenant_id, name, description)
SELECT t.id, format('Bench server %s group %s', g, g % 20), 'seeded for bench/run'
FROM (SELECT id, substr(name, 7)::int AS k FROM tenants WHERE name LIKE 'bench-%') AS t,
     generate_series(1, :per_tenant) AS g
ORDER BY t.k, g;
-- bench-1's write set: what the update case rewrites, apart from what the reads read
INSERT INTO servers (tenant_id, name, description)
SELECT t.id, format('Bench write %s', g), 'write set for bench/run'
FROM tenants t, generate_series(1, :per_tenant) AS g WHERE t.name = 'bench-1' ORDER BY g;

INSERT INTO server_configurations (server_id, resource_identifier, access_token_lifetime_minutes)
SELECT s.id, 'https://bench.example/api/' || s.id, 15
FROM servers s JOIN tenants t ON t.id = s.tenant_id WHERE t.name LIKE 'bench-%';

INSERT INTO server_audiences (server_id, audience, position)
SELECT s.id, a.aud || s.id, a.pos
FROM servers s JOIN tenants t ON t.id = s.tenant_id,
     (VALUES ('https://bench.example/aud/', 0), ('urn:bench:', 1)) AS a(aud, pos)
WHERE t.name LIKE 'bench-%';

INSERT INTO server_grant_types (server_id, grant_type_id)
SELECT s.id, 4 FROM servers s JOIN tenants t ON t.id = s.tenant_id WHERE t.name LIKE 'bench-%';

INSERT INTO azure_services (tenant_id, subscription_id, resource_group, service_name)
SELECT id, 'bench-sub', 'bench-rg', 'bench-apim' FROM tenants WHERE name = 'bench-1'
ON CONFLICT DO NOTHING;

UPDATE servers s SET azure_service_id = a.id, resource_name = 'srv-' || (s.id - f.first + 1)
FROM azure_services a, tenants t,
     (SELECT min(s2.id) AS first FROM servers s2 JOIN tenants t2 ON t2.id = s2.tenant_id
      WHERE t2.name = 'bench-1') AS f
WHERE t.name = 'bench-1' AND a.tenant_id = t.id AND s.tenant_id = t.id
  AND s.description = 'seeded for bench/run';

UPDATE server_configurations c SET client_registration_endpoint = 'https://bench.example/apps',
    authorization_endpoint = 'https://bench.example/authorize', client_id = 'bench-client'
FROM servers s JOIN tenants t ON t.id = s.tenant_id
WHERE s.id = c.server_id AND t.name = 'bench-1';

INSERT INTO server_authorization_methods (server_id, method, position)
SELECT s.id, 'GET', 0 FROM servers s JOIN tenants t ON t.id = s.tenant_id WHERE t.name = 'bench-1';

INSERT INTO applications (tenant_id, client_id, name, scope, maximum_scope, renewable)
SELECT t.id, format('bench-app-%s-%s', t.k, g), format('Bench app %s', g), 'certificate', 'admin', true
FROM (SELECT id, substr(name, 7)::int AS k FROM tenants WHERE name LIKE 'bench-%') AS t,
     generate_series(1, greatest(1, :apps / :tenants)) AS g;

-- bench-1's first server: 20 scopes, 20 claims and 20 linked client apps, each app holding
-- two scopes (the sub-resource list cases)
WITH first AS (
    SELECT min(s.id) AS id FROM servers s JOIN tenants t ON t.id = s.tenant_id
    WHERE t.name = 'bench-1' AND s.description = 'seeded for bench/run'
), sc AS (
    INSERT INTO server_scopes (server_id, value, description)
    SELECT first.id, 'bench.scope.' || g, 'Bench scope ' || g FROM first, generate_series(1, 20) g
    RETURNING server_id, id
), cl AS (
    INSERT INTO server_claims (server_id, name, label, user_attribute_mappings)
    SELECT first.id, 'bench_claim_' || g, 'Bench claim ' || g, 'email' FROM first, generate_series(1, 20) g
)
INSERT INTO server_applications (server_id, application_id)
SELECT first.id, a.id FROM first,
       (SELECT a.id FROM applications a JOIN tenants t ON t.id = a.tenant_id
        WHERE t.name = 'bench-1' ORDER BY a.id LIMIT 20) AS a;

INSERT INTO server_application_scopes (server_id, application_id, scope_id)
SELECT sa.server_id, sa.application_id, sc.id
FROM server_applications sa
JOIN servers s ON s.id = sa.server_id JOIN tenants t ON t.id = s.tenant_id
JOIN LATERAL (SELECT id FROM server_scopes WHERE server_id = sa.server_id ORDER BY id LIMIT 2) AS sc ON true
WHERE t.name = 'bench-1';
COMMIT;
ANALYZE;

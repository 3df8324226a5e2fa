-- authzd schema, part 3: what Azure API Management's authorization servers add: the
-- API Management services (a subscription/resource group/service triple owned by a tenant),
-- the OAuth client settings of a server, its method lists, token body parameters, and its
-- secrets, encrypted (AES-256-GCM) with the id of the key beside each ciphertext.

CREATE TABLE azure_services (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    subscription_id text NOT NULL CHECK (length(subscription_id) BETWEEN 1 AND 100),
    resource_group  text NOT NULL CHECK (length(resource_group) BETWEEN 1 AND 90),
    service_name    text NOT NULL CHECK (length(service_name) BETWEEN 1 AND 50
                        AND service_name ~ '^[a-zA-Z]([a-zA-Z0-9-]*[a-zA-Z0-9])?$'),
    created_at      timestamptz NOT NULL DEFAULT now()
);
-- Azure resource names are case-insensitive: one service per spelling-insensitive triple.
CREATE UNIQUE INDEX azure_services_triple_key
    ON azure_services (lower(subscription_id), lower(resource_group), lower(service_name));

ALTER TABLE servers
    ADD COLUMN azure_service_id bigint REFERENCES azure_services (id) ON DELETE CASCADE,
    ADD COLUMN resource_name text CHECK (length(resource_name) BETWEEN 1 AND 80
                                         AND resource_name !~ '[*#&+:<>?]'),
    ADD CONSTRAINT servers_azure_name_both CHECK ((azure_service_id IS NULL) = (resource_name IS NULL));
CREATE UNIQUE INDEX servers_azure_name_key ON servers (azure_service_id, lower(resource_name))
    WHERE azure_service_id IS NOT NULL;
COMMENT ON COLUMN servers.resource_name IS 'Azure authsid: the server''s name within its API Management service';

-- OneLogin requires a resource identifier; an Azure server has none.
ALTER TABLE server_configurations ALTER COLUMN resource_identifier DROP NOT NULL;
ALTER TABLE server_configurations
    ADD COLUMN client_registration_endpoint text CHECK (length(client_registration_endpoint) <= 2048),
    ADD COLUMN authorization_endpoint text CHECK (length(authorization_endpoint) <= 2048),
    ADD COLUMN token_endpoint text CHECK (length(token_endpoint) <= 2048),
    ADD COLUMN client_id text CHECK (length(client_id) BETWEEN 1 AND 1024),
    ADD COLUMN default_scope text CHECK (length(default_scope) <= 2048),
    ADD COLUMN support_state boolean NOT NULL DEFAULT false,
    ADD COLUMN use_in_test_console boolean NOT NULL DEFAULT true,
    ADD COLUMN use_in_api_documentation boolean NOT NULL DEFAULT false;

-- Grant types keep the order a client gave them in.
ALTER TABLE server_grant_types ADD COLUMN position smallint NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 15);

CREATE TABLE server_authorization_methods (
    server_id bigint NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    method    text NOT NULL CHECK (method IN ('HEAD', 'OPTIONS', 'TRACE', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE')),
    position  smallint NOT NULL CHECK (position BETWEEN 0 AND 15),
    PRIMARY KEY (server_id, method)
);

CREATE TABLE server_client_authentication_methods (
    server_id bigint NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    method    text NOT NULL CHECK (method IN ('Basic', 'Body')),
    position  smallint NOT NULL CHECK (position BETWEEN 0 AND 15),
    PRIMARY KEY (server_id, method)
);

CREATE TABLE server_bearer_token_sending_methods (
    server_id bigint NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    method    text NOT NULL CHECK (method IN ('authorizationHeader', 'query')),
    position  smallint NOT NULL CHECK (position BETWEEN 0 AND 15),
    PRIMARY KEY (server_id, method)
);

CREATE TABLE server_token_body_parameters (
    server_id bigint NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    name      text NOT NULL CHECK (length(name) BETWEEN 1 AND 256),
    value     text NOT NULL CHECK (length(value) <= 4096),
    position  smallint NOT NULL CHECK (position BETWEEN 0 AND 99),
    PRIMARY KEY (server_id, name)
);

CREATE TABLE server_secrets (
    server_id  bigint NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (name IN ('client_secret', 'resource_owner_username', 'resource_owner_password')),
    -- which key encrypted it (a fingerprint, never the key): rotation re-encrypts row by row
    key_id     text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
    -- 12-byte nonce || ciphertext || 16-byte GCM tag
    ciphertext bytea NOT NULL CHECK (length(ciphertext) >= 28),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (server_id, name)
);

DROP VIEW server_overview;
CREATE VIEW server_overview AS
SELECT s.id,
       t.name AS tenant,
       s.name,
       s.description,
       az.subscription_id AS azure_subscription_id,
       az.resource_group AS azure_resource_group,
       az.service_name AS azure_service_name,
       s.resource_name AS azure_name,
       c.resource_identifier,
       c.access_token_lifetime_minutes,
       c.refresh_token_lifetime_minutes,
       ARRAY(SELECT a.audience FROM server_audiences a
             WHERE a.server_id = s.id ORDER BY a.position) AS audiences,
       ARRAY(SELECT g.name FROM server_grant_types sg JOIN grant_types g ON g.id = sg.grant_type_id
             WHERE sg.server_id = s.id ORDER BY sg.position, g.id) AS grant_types,
       s.version,
       s.created_at,
       s.updated_at,
       c.client_registration_endpoint,
       c.authorization_endpoint,
       c.token_endpoint,
       c.client_id,
       c.default_scope,
       ARRAY(SELECT m.method FROM server_authorization_methods m
             WHERE m.server_id = s.id ORDER BY m.position) AS authorization_methods,
       ARRAY(SELECT m.method FROM server_client_authentication_methods m
             WHERE m.server_id = s.id ORDER BY m.position) AS client_authentication_methods,
       ARRAY(SELECT m.method FROM server_bearer_token_sending_methods m
             WHERE m.server_id = s.id ORDER BY m.position) AS bearer_token_sending_methods,
       ARRAY(SELECT p.name FROM server_secrets p
             WHERE p.server_id = s.id ORDER BY p.name) AS secrets_stored
FROM servers s
JOIN tenants t ON t.id = s.tenant_id
JOIN server_configurations c ON c.server_id = s.id
LEFT JOIN azure_services az ON az.id = s.azure_service_id;

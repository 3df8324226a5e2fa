-- authzd schema, part 4: client applications with rotating secrets, and on each server its
-- scopes, its token claims, and which applications may ask it for which scopes.

ALTER TABLE applications
    ADD COLUMN uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    ADD COLUMN vendor text CHECK (length(vendor) <= 255),
    ADD COLUMN url text CHECK (length(url) <= 2048),
    ADD COLUMN scope text CHECK (length(scope) <= 4096),
    ADD COLUMN maximum_scope text CHECK (length(maximum_scope) <= 4096),
    ADD COLUMN access_validity_seconds integer NOT NULL DEFAULT 3600
        CHECK (access_validity_seconds BETWEEN 1 AND 31536000),
    ADD COLUMN grant_validity_seconds integer NOT NULL DEFAULT 7776000
        CHECK (grant_validity_seconds BETWEEN 1 AND 315360000),
    ADD COLUMN renewable boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN applications.scope IS 'what the application needs';
COMMENT ON COLUMN applications.maximum_scope IS 'the most its tokens may carry';

-- More than one secret per application, so a new one can be in use before the old one is
-- retired. Only hashes: the secret is shown once, when it is made.
CREATE TABLE application_secrets (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    secret_hash    bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz CHECK (expires_at > created_at),
    last_used_at   timestamptz
);
CREATE INDEX application_secrets_application_idx ON application_secrets (application_id);

CREATE TABLE server_scopes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    server_id   bigint NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    value       text NOT NULL CHECK (length(btrim(value)) BETWEEN 1 AND 255 AND value !~ '\s'),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT server_scopes_value_key UNIQUE (server_id, value),
    -- lets a link name (server, scope) so a scope of another server cannot be attached
    CONSTRAINT server_scopes_server_id_key UNIQUE (server_id, id)
);

CREATE TABLE server_claims (
    id                         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    server_id                  bigint NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    name                       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 255),
    label                      text CHECK (length(label) <= 255),
    user_attribute_mappings    text CHECK (length(user_attribute_mappings) <= 255),
    user_attribute_macros      text CHECK (length(user_attribute_macros) <= 2000),
    attributes_transformations text CHECK (length(attributes_transformations) <= 2000),
    skip_if_blank              boolean,
    "values"                   jsonb CHECK (jsonb_typeof("values") = 'array'),
    default_values             text CHECK (length(default_values) <= 2000),
    provisioned_entitlements   boolean,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT server_claims_name_key UNIQUE (server_id, name)
);


CREATE TABLE server_application_scopes (
    server_id      bigint NOT NULL,
    application_id bigint NOT NULL,
    scope_id       bigint NOT NULL,
    PRIMARY KEY (server_id, application_id, scope_id),
    FOREIGN KEY (server_id, application_id)
        REFERENCES server_applications (server_id, application_id) ON DELETE CASCADE,
    -- the scope must be one of the same server's scopes
    FOREIGN KEY (server_id, scope_id) REFERENCES server_scopes (server_id, id) ON DELETE CASCADE
);
CREATE INDEX server_application_scopes_scope_idx ON server_application_scopes (scope_id);

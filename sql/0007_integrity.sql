-- authzd schema, part 7: what concurrent writers and hostile input taught us.
--  * Every ordered list again has unique positions per owner: writes now replace a list
--    whole, after locking its owner, so no reorder ever needs two rows at one position.
--  * "Blank" means what the model means by it: nothing but white space (the C locale's
--    isspace: space, \t, \n, \v, \f, \r), not only spaces.
--  * Client ids of applications are unique per tenant: another tenant's ids are invisible,
--    so nothing may tell a caller that one exists.
--  * Tenants may claim host names: public endpoints (/vedauth, the token service) find
--    their tenant by the Host a request came to, else the tenant named 'default'.
--  * Failed logins are counted per kind of subject (management credential, application,
--    identity), so every login form is throttled alike.

CREATE FUNCTION has_text(value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN btrim(value, E' \t\n\r\f\v') <> '';
COMMENT ON FUNCTION has_text(text) IS 'true unless the text is empty or only white space';

CREATE FUNCTION is_trimmed(value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN btrim(value, E' \t\n\r\f\v') = value;
COMMENT ON FUNCTION is_trimmed(text) IS 'true when the text has no leading or trailing white space';

ALTER TABLE server_audiences
    DROP CONSTRAINT server_audiences_audience_check,
    ADD CONSTRAINT server_audiences_audience_check
        CHECK (length(audience) BETWEEN 1 AND 2048 AND has_text(audience) AND is_trimmed(audience)),
    ADD CONSTRAINT server_audiences_position_key UNIQUE (server_id, position);
ALTER TABLE server_grant_types
    ADD CONSTRAINT server_grant_types_position_key UNIQUE (server_id, position);
ALTER TABLE server_authorization_methods
    ADD CONSTRAINT server_authorization_methods_position_key UNIQUE (server_id, position);
ALTER TABLE server_client_authentication_methods
    ADD CONSTRAINT server_client_authentication_methods_position_key UNIQUE (server_id, position);
ALTER TABLE server_bearer_token_sending_methods
    ADD CONSTRAINT server_bearer_token_sending_methods_position_key UNIQUE (server_id, position);
ALTER TABLE server_token_body_parameters
    ADD CONSTRAINT server_token_body_parameters_position_key UNIQUE (server_id, position);

ALTER TABLE servers
    DROP CONSTRAINT servers_name_check,
    ADD CONSTRAINT servers_name_check CHECK (length(name) <= 255 AND has_text(name));
ALTER TABLE applications
    DROP CONSTRAINT applications_name_check,
    ADD CONSTRAINT applications_name_check CHECK (length(name) <= 255 AND has_text(name)),
    DROP CONSTRAINT applications_client_id_check,
    ADD CONSTRAINT applications_client_id_check CHECK (length(client_id) BETWEEN 1 AND 128 AND has_text(client_id)),
    DROP CONSTRAINT applications_client_id_key,
    ADD CONSTRAINT applications_tenant_client_id_key UNIQUE (tenant_id, client_id);
ALTER TABLE server_claims
    DROP CONSTRAINT server_claims_name_check,
    ADD CONSTRAINT server_claims_name_check CHECK (length(name) <= 255 AND has_text(name));
ALTER TABLE server_scopes
    DROP CONSTRAINT server_scopes_description_check,
    ADD CONSTRAINT server_scopes_description_check CHECK (length(description) <= 2000 AND has_text(description));

CREATE TABLE tenant_hosts (
    host       text PRIMARY KEY CHECK (host = lower(host) AND host ~ '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$'
                                       AND length(host) <= 253),
    tenant_id  bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_hosts_tenant_idx ON tenant_hosts (tenant_id);
COMMENT ON TABLE tenant_hosts IS 'host names whose public endpoints (/vedauth, /oidc/2, /oauth2) belong to a tenant';

-- Throttling state is a minute long; the old rows carry no kind and are simply dropped.
DROP TABLE login_failures;
CREATE TABLE login_failures (
    kind              text NOT NULL CHECK (kind IN ('credential', 'application', 'identity')),
    subject           text NOT NULL CHECK (length(subject) BETWEEN 1 AND 512),
    failures          integer NOT NULL CHECK (failures >= 1),
    window_started_at timestamptz NOT NULL,
    PRIMARY KEY (kind, subject)
);
COMMENT ON COLUMN login_failures.subject IS
    'credential and application: the client id as sent; identity: tenant id and lower-cased username';

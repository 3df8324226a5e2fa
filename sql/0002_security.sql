-- authzd schema, part 2: management credentials, their access tokens, login throttling,
-- and the append-only audit trail.

CREATE TABLE api_credentials (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    client_id     text NOT NULL UNIQUE CHECK (client_id ~ '^[0-9a-f]{32}$'),
    -- SHA-256 of a 256-bit random secret: the secret itself is shown once and never stored.
    secret_hash   bytea NOT NULL CHECK (length(secret_hash) = 32),
    scopes        text[] NOT NULL CHECK (cardinality(scopes) >= 1 AND scopes <@ ARRAY[
                      'Authentication Only', 'Read Users', 'Manage Users', 'Read All', 'Manage All']),
    -- NULL: the service default (access_token_ttl_seconds)
    token_ttl_seconds integer CHECK (token_ttl_seconds BETWEEN 1 AND 2592000),
    description   text CHECK (length(description) <= 255),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_credentials_tenant_idx ON api_credentials (tenant_id);

CREATE TABLE access_tokens (
    token_hash         bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    refresh_token_hash bytea NOT NULL UNIQUE CHECK (length(refresh_token_hash) = 32),
    credential_id      bigint NOT NULL REFERENCES api_credentials (id) ON DELETE CASCADE,
    created_at         timestamptz NOT NULL DEFAULT now(),
    expires_at         timestamptz NOT NULL,
    revoked_at         timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX access_tokens_credential_idx ON access_tokens (credential_id);
CREATE INDEX access_tokens_expires_idx ON access_tokens (expires_at);

-- Failed logins per client_id within the current window (unknown client_ids too).
CREATE TABLE login_failures (
    client_id        text PRIMARY KEY CHECK (length(client_id) BETWEEN 1 AND 256),
    failures         integer NOT NULL CHECK (failures >= 1),
    window_started_at timestamptz NOT NULL
);

CREATE TABLE audit_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    tenant_id     bigint REFERENCES tenants (id),     -- NULL: a failed login of an unknown client
    credential_id bigint REFERENCES api_credentials (id),
    action        text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)*$'),
    object_type   text NOT NULL CHECK (length(object_type) BETWEEN 1 AND 64),
    object_id     text CHECK (length(object_id) <= 256),
    -- the fields that changed, before and after; secrets never appear here
    before        jsonb,
    after         jsonb
);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, occurred_at);
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id);

-- The trail is append-only for everyone, the application's role included.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

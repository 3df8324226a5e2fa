-- authzd schema, part 5: what Venafi TPP's OAuth adds: identities (local users with a
-- slow password hash and a maximum scope), grants of an application to an identity, and the
-- tokens of each grant (hashes only).

-- Venafi application ids are names chosen by the admin ("vcert-sdk"), shorter than ours.
ALTER TABLE applications DROP CONSTRAINT applications_client_id_check;
ALTER TABLE applications ADD CONSTRAINT applications_client_id_check
    CHECK (length(client_id) BETWEEN 1 AND 128);

CREATE TABLE identities (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    universal      uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    username       text NOT NULL CHECK (length(username) BETWEEN 1 AND 255 AND username = btrim(username)),
    -- Argon2id, PHC string format ($argon2id$v=19$m=...,t=...,p=...$salt$hash)
    password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    maximum_scope  text NOT NULL CHECK (length(maximum_scope) BETWEEN 1 AND 4096),
    enabled        boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX identities_tenant_username_key ON identities (tenant_id, lower(username));
COMMENT ON COLUMN identities.universal IS 'shown as the prefixed universal local:{uuid}';

CREATE TABLE grants (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    identity_id     bigint NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    scope           text NOT NULL CHECK (length(scope) BETWEEN 1 AND 4096),
    -- the scope's names alone, for "does this token carry admin" in SQL
    scope_names     text[] NOT NULL,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    access_issued_at timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    CHECK (expires_at > issued_at)
);
CREATE INDEX grants_application_idx ON grants (application_id);
CREATE INDEX grants_identity_idx ON grants (identity_id);

CREATE TABLE grant_tokens (
    token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    grant_id    bigint NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('access', 'refresh')),
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CHECK (expires_at > issued_at)
);
CREATE INDEX grant_tokens_grant_idx ON grant_tokens (grant_id);

-- authzd schema, part 8: the token service. Every registered server is an issuer
-- ({public_url}/oauth2/{id}), and so is every tenant for OneLogin's paths ({public_url}/oidc/2).
-- An issuer has a key ring; issued JWTs are never stored, only revocations until they expire.

CREATE TABLE issuers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- NULL: the tenant's own issuer (/oidc/2)
    server_id  bigint UNIQUE REFERENCES servers (id) ON DELETE CASCADE,
    -- the algorithm of the next key made for this ring (each key keeps its own)
    alg        text NOT NULL CHECK (alg IN ('RS256', 'ES256', 'EdDSA')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX issuers_tenant_key ON issuers (tenant_id) WHERE server_id IS NULL;
CREATE INDEX issuers_tenant_idx ON issuers (tenant_id);

-- A ring's keys. Which one signs follows from the clock alone: the key with the latest
-- signs_from at or before now is current, one with a later signs_from is next (published in
-- the JWKS, not yet signing), older ones are previous and stay published until every token
-- they signed has expired (retire_at), then they are deleted.
CREATE TABLE signing_keys (
    issuer_id    bigint NOT NULL REFERENCES issuers (id) ON DELETE CASCADE,
    kid          text NOT NULL CHECK (kid ~ '^[A-Za-z0-9_-]{43}$'),   -- RFC 7638 SHA-256 thumbprint
    alg          text NOT NULL CHECK (alg IN ('RS256', 'ES256', 'EdDSA')),
    public_jwk   jsonb NOT NULL CHECK (jsonb_typeof(public_jwk) = 'object' AND public_jwk ->> 'kid' = kid
                                       AND public_jwk ->> 'alg' = alg AND NOT public_jwk ? 'd'),
    -- PKCS#8, sealed with AES-256-GCM (12-byte nonce || ciphertext || tag) bound to issuer
    -- and kid; key_id names the secret key that sealed it
    key_id       text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
    ciphertext   bytea NOT NULL CHECK (length(ciphertext) >= 60),
    published_at timestamptz NOT NULL DEFAULT now(),
    signs_from   timestamptz NOT NULL CHECK (signs_from >= published_at),
    PRIMARY KEY (issuer_id, kid),
    CONSTRAINT signing_keys_signs_from_key UNIQUE (issuer_id, signs_from),
    -- a thumbprint names one key: a verifier finds it (and its ring) by kid alone
    CONSTRAINT signing_keys_kid_key UNIQUE (kid)
);

-- A revoked token until it would have expired anyway; the revoke that comes after its exp
-- purges it. Nothing is stored for a token that is merely issued.
CREATE TABLE token_revocations (
    issuer_id  bigint NOT NULL REFERENCES issuers (id) ON DELETE CASCADE,
    jti        text NOT NULL CHECK (length(jti) BETWEEN 1 AND 128),
    client_id  text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 128),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer_id, jti)
);
CREATE INDEX token_revocations_expires_idx ON token_revocations (expires_at);

-- Failed client authentications at the token service are throttled like logins.
ALTER TABLE login_failures DROP CONSTRAINT login_failures_kind_check,
    ADD CONSTRAINT login_failures_kind_check CHECK (kind IN ('credential', 'application', 'identity', 'client'));
COMMENT ON COLUMN login_failures.subject IS
    'credential and application: the client id as sent; identity: tenant id and lower-cased username; '
    'client: the tenant id and the client id as sent';

-- Reporting: every live key with its state.
CREATE VIEW signing_key_states AS
SELECT i.tenant_id, i.server_id, k.issuer_id, k.kid, k.alg,
       CASE WHEN k.signs_from > now() THEN 'next'
            WHEN k.signs_from = (SELECT max(o.signs_from) FROM signing_keys o
                                 WHERE o.issuer_id = k.issuer_id AND o.signs_from <= now()) THEN 'current'
            ELSE 'previous' END AS state,
       k.published_at, k.signs_from
FROM signing_keys k JOIN issuers i ON i.id = k.issuer_id;

-- The token service: issuers and their key rings, client authentication at the token,
-- introspection and revocation endpoints, and revocations.
--
-- Two kinds of issuer: a server's ({public_url}/oauth2/{id}: p_server given) and a tenant's
-- for OneLogin's paths ({public_url}/oidc/2: p_server NULL, the tenant found by host name).
-- Keys are made and signed with in the worker (src/token/); here they are stored sealed, and
-- which key signs follows from the clock (see signing_keys in sql/0008_tokens.sql).
--
-- Client secrets arrive as SHA-256 digests and are compared here (see 50_logins.sql for why
-- that is sound for random secrets), so a token request is one round trip. Nothing is
-- written for a token issued; a secret's last_used_at at most once a minute.

-- How long a previous key stays published after its successor took over: the longest
-- access token lifetime (server_configurations: 1440 minutes) and a clock-skew margin.
CREATE FUNCTION api.key_retention() RETURNS interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN interval '1440 minutes' + interval '5 minutes';

-- The helpers below are PL/pgSQL, not SQL: a SQL function that cannot be inlined is
-- planned again at every call, PL/pgSQL keeps its plans for the session.

-- The tenant of a public endpoint: the one that claims the host, else 'default'.
CREATE FUNCTION api.host_tenant(p_host text) RETURNS bigint
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT h.tenant_id FROM tenant_hosts h WHERE h.host = lower(p_host)),
                    (SELECT t.id FROM tenants t WHERE t.name = 'default'));
END
$$;

-- Whether a tenant claims the host (its tenant issuer then lives on that host name).
CREATE FUNCTION api.host_claimed(p_host text) RETURNS boolean
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM tenant_hosts h WHERE h.host = lower(p_host));
END
$$;

-- The issuer of a server, or (p_server NULL) of a tenant; NULL until its ring is made.
CREATE FUNCTION api.issuer_of(p_server bigint, p_tenant bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_server IS NOT NULL THEN
        RETURN (SELECT i.id FROM issuers i WHERE i.server_id = p_server);
    END IF;
    RETURN (SELECT i.id FROM issuers i WHERE i.tenant_id = p_tenant AND i.server_id IS NULL);
END
$$;

-- The live keys of a ring: next (published, not yet signing), current, and previous ones
-- whose tokens may still be unexpired. Retired keys are not returned (and are deleted by
-- the next write to the ring).
CREATE FUNCTION api.issuer_keys(p_issuer bigint)
    RETURNS TABLE (kid text, alg text, state text, public_jwk jsonb, key_id text, ciphertext bytea,
                   published_us bigint, signs_from_us bigint)
    LANGUAGE sql STABLE AS $$
    SELECT k.kid, k.alg,
           CASE WHEN k.signs_from > now() THEN 'next'
                WHEN k.successor IS NULL OR k.successor > now() THEN 'current'
                ELSE 'previous' END,
           k.public_jwk, k.key_id, k.ciphertext, api.us(k.published_at), api.us(k.signs_from)
    FROM (SELECT s.*, lead(s.signs_from) OVER (ORDER BY s.signs_from) AS successor
          FROM signing_keys s WHERE s.issuer_id = p_issuer) AS k
    WHERE k.successor IS NULL OR k.successor > now() - api.key_retention()
    ORDER BY k.signs_from DESC;
$$;

-- A live key by its kid (kids are thumbprints: one key, one kid, in one ring).
CREATE FUNCTION api.key_by_kid(p_kid text)
    RETURNS TABLE (issuer_id bigint, kid text, alg text, state text, public_jwk jsonb, key_id text,
                   ciphertext bytea, published_us bigint, signs_from_us bigint)
    LANGUAGE sql STABLE AS $$
    SELECT k.issuer_id, l.* FROM signing_keys k, LATERAL api.issuer_keys(k.issuer_id) AS l
    WHERE k.kid = p_kid AND l.kid = p_kid;
$$;

-- The kids that sign now and next.
CREATE FUNCTION api.issuer_current(p_issuer bigint, OUT current_kid text, OUT next_kid text)
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT k.kid INTO current_kid FROM signing_keys k WHERE k.issuer_id = p_issuer AND k.signs_from <= now()
    ORDER BY k.signs_from DESC LIMIT 1;
    SELECT k.kid INTO next_kid FROM signing_keys k WHERE k.issuer_id = p_issuer AND k.signs_from > now()
    ORDER BY k.signs_from LIMIT 1;
END
$$;

-- The ring of server p_server, or (p_server NULL) of tenant p_tenant (NULL: the tenant of
-- host p_host), made (with p_alg for its keys) if it is not there yet. AZ404 without such a
-- server or tenant. Keys are sealed bound to the ring's id, so it comes first.
CREATE FUNCTION api.issuer_ensure(p_server bigint, p_tenant bigint, p_host text, p_alg text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_tenant bigint;
BEGIN
    IF p_server IS NOT NULL THEN
        SELECT s.tenant_id INTO v_tenant FROM servers s WHERE s.id = p_server FOR KEY SHARE;
        IF v_tenant IS NULL THEN
            RAISE EXCEPTION 'no server %', p_server USING ERRCODE = 'AZ404';
        END IF;
    ELSE
        v_tenant := coalesce((SELECT t.id FROM tenants t WHERE t.id = p_tenant), api.host_tenant(p_host));
        IF p_tenant IS NOT NULL AND v_tenant IS DISTINCT FROM p_tenant THEN
            RAISE EXCEPTION 'no tenant %', p_tenant USING ERRCODE = 'AZ404';
        END IF;
    END IF;
    INSERT INTO issuers (tenant_id, server_id, alg) VALUES (v_tenant, p_server, p_alg) ON CONFLICT DO NOTHING;
    RETURN api.issuer_of(p_server, v_tenant);
END
$$;

-- Deletes the keys of a ring that are past their retention.
CREATE FUNCTION api.issuer_prune(p_issuer bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    DELETE FROM signing_keys k WHERE k.issuer_id = p_issuer
        AND k.kid NOT IN (SELECT l.kid FROM api.issuer_keys(p_issuer) AS l);
END
$$;

-- Adds a key to ring p_issuer. p_mode 'first': only into an empty ring, signing at once;
-- 'next': only if the ring has no next key, signing p_period after the current key began
-- and no sooner than p_min_published from now. Concurrent workers race here; the ring
-- row's lock makes exactly one of them add. Returns whether this key was added.
CREATE FUNCTION api.issuer_add_key(p_issuer bigint, p_mode text, p_kid text, p_alg text, p_jwk jsonb,
                                   p_key_id text, p_ciphertext bytea, p_period interval,
                                   p_min_published interval)
    RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM 1 FROM issuers i WHERE i.id = p_issuer FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no key ring %', p_issuer USING ERRCODE = 'AZ404';
    END IF;
    IF (p_mode = 'first' AND EXISTS (SELECT 1 FROM signing_keys k WHERE k.issuer_id = p_issuer))
       OR (p_mode = 'next' AND EXISTS (SELECT 1 FROM signing_keys k WHERE k.issuer_id = p_issuer
                                      AND k.signs_from > now())) THEN
        RETURN false;
    END IF;
    PERFORM api.issuer_prune(p_issuer);
    INSERT INTO signing_keys (issuer_id, kid, alg, public_jwk, key_id, ciphertext, signs_from)
    VALUES (p_issuer, p_kid, p_alg, p_jwk, p_key_id, p_ciphertext,
            CASE WHEN p_mode = 'first' THEN now()
                 ELSE greatest((SELECT max(k.signs_from) FROM signing_keys k WHERE k.issuer_id = p_issuer)
                               + p_period, now() + p_min_published) END);
    RETURN true;
END
$$;

-- authzctl keys rotate: the next key of ring p_issuer (the earliest, if a rotation is
-- already under way) signs from now, or, if it was published less than p_min_published
-- ago, from when it will have been. Then, unless a later next key is already published, the
-- new key p_kid (already sealed) is, to sign p_period after that. p_alg, when given, becomes
-- the ring's algorithm (and a later next key of another one is replaced by p_kid). Returns
-- the key that signs next and the one after it.
CREATE FUNCTION api.issuer_rotate(p_issuer bigint, p_alg text, p_min_published interval, p_period interval,
                                  p_kid text, p_key_alg text, p_jwk jsonb, p_key_id text, p_ciphertext bytea)
    RETURNS TABLE (promoted_kid text, promoted_from_us bigint, next_kid text, next_from_us bigint)
    LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    v issuers;
    v_promoted text;
    v_from timestamptz;
    v_next text;
    v_next_from timestamptz;
BEGIN
    SELECT * INTO v FROM issuers i WHERE i.id = p_issuer FOR UPDATE;
    IF v.id IS NULL THEN
        RAISE EXCEPTION 'no key ring %', p_issuer USING ERRCODE = 'AZ404';
    END IF;
    UPDATE issuers SET alg = coalesce(p_alg, alg) WHERE id = v.id;
    UPDATE signing_keys k SET signs_from = greatest(now(), k.published_at + p_min_published)
    WHERE k.issuer_id = v.id AND k.kid = (SELECT n.kid FROM signing_keys n WHERE n.issuer_id = v.id
                                          AND n.signs_from > now() ORDER BY n.signs_from LIMIT 1)
    RETURNING k.kid, k.signs_from INTO v_promoted, v_from;
    -- a later next key of another algorithm than the one asked for never signed: it goes
    DELETE FROM signing_keys k WHERE k.issuer_id = v.id AND k.signs_from > coalesce(v_from, now())
        AND p_alg IS NOT NULL AND k.alg <> p_alg;
    SELECT k.kid, k.signs_from INTO v_next, v_next_from FROM signing_keys k
    WHERE k.issuer_id = v.id AND k.signs_from > coalesce(v_from, now()) ORDER BY k.signs_from LIMIT 1;
    IF v_next IS NULL THEN
        v_next := p_kid;
        v_next_from := greatest(coalesce(v_from, now()) + p_period, now() + p_min_published);
        PERFORM api.issuer_prune(v.id);
        INSERT INTO signing_keys (issuer_id, kid, alg, public_jwk, key_id, ciphertext, signs_from)
        VALUES (v.id, p_kid, p_key_alg, p_jwk, p_key_id, p_ciphertext, v_next_from);
    END IF;
    PERFORM api.become_tenant(v.tenant_id);
    PERFORM api.audit('keys.rotate', CASE WHEN v.server_id IS NULL THEN 'tenant_issuer' ELSE 'server' END,
                      coalesce(v.server_id, v.tenant_id)::text, NULL,
                      jsonb_build_object('signing', v_promoted, 'signs_from', v_from, 'next', v_next));
    RETURN QUERY SELECT v_promoted, api.us(v_from), v_next, api.us(v_next_from);
END
$$;

-- The caller of a token-service endpoint, authenticated: an application of the issuer's
-- tenant with that live secret, linked to p_server (p_server NULL: the tenant of host p_host,
-- and a link to any of its servers), or the server's own OAuth client (an Azure-registered
-- server's clientId: its secret is sealed, so the worker opens and compares it).
-- outcome: ok | check_secret | throttled (retry_after) | invalid_client (the caller of this
-- function counts the failure: api.token_client_failed) | unlinked | no_server.
-- A single SELECT in SQL, so that every statement using it has it inlined into its own plan
-- (one plan, kept: the token endpoint's hot path).
CREATE FUNCTION api.token_caller(p_server bigint, p_host text, p_client text, p_hash bytea)
    RETURNS TABLE (outcome text, retry_after integer, tenant_id bigint, tenant_host boolean, app_id bigint,
                   secret_id bigint, secret_used_at timestamptz)
    LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN t.id IS NULL THEN 'no_server'
                WHEN w.wait IS NOT NULL THEN 'throttled'
                WHEN sec.id IS NOT NULL THEN
                    CASE WHEN EXISTS (SELECT 1 FROM server_applications sa JOIN servers s ON s.id = sa.server_id
                                      WHERE sa.application_id = a.id AND s.tenant_id = t.id
                                        AND (p_server IS NULL OR sa.server_id = p_server))
                         THEN 'ok' ELSE 'unlinked' END
                WHEN a.id IS NULL AND p_server IS NOT NULL
                     AND EXISTS (SELECT 1 FROM server_configurations c
                                 WHERE c.server_id = p_server AND c.client_id = p_client) THEN 'check_secret'
                ELSE 'invalid_client' END,
           coalesce(w.wait, 0), t.id, t.by_host, a.id, sec.id, sec.last_used_at
    FROM (SELECT CASE WHEN p_server IS NOT NULL THEN (SELECT s.tenant_id FROM servers s WHERE s.id = p_server)
                      ELSE coalesce((SELECT h.tenant_id FROM tenant_hosts h WHERE h.host = lower(p_host)),
                                    (SELECT d.id FROM tenants d WHERE d.name = 'default')) END AS id,
                 p_server IS NULL AND EXISTS (SELECT 1 FROM tenant_hosts h WHERE h.host = lower(p_host)) AS by_host
         ) AS t
    LEFT JOIN LATERAL (
        SELECT greatest(1, ceil(extract(epoch FROM f.window_started_at + interval '60 seconds' - now()))::int) AS wait
        FROM login_failures f
        WHERE f.kind = 'client' AND f.subject = left(t.id::text || ':' || p_client, 512)
          AND f.window_started_at > now() - interval '60 seconds' AND f.failures >= 10) AS w ON true
    LEFT JOIN applications a ON a.tenant_id = t.id AND a.client_id = p_client
    LEFT JOIN application_secrets sec ON sec.application_id = a.id AND sec.secret_hash = p_hash
         AND (sec.expires_at IS NULL OR sec.expires_at > now());
$$;

-- A secret's last use, kept to the minute: writing it on every request would queue every
-- request of one client behind a single row lock.
CREATE FUNCTION api.token_secret_used(p_secret bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    UPDATE application_secrets SET last_used_at = now()
    WHERE id = p_secret AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
END
$$;

-- A client that failed to authenticate: counted toward its throttle, and audited.
CREATE FUNCTION api.token_client_failed(p_tenant bigint, p_client text) RETURNS integer
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN api.login_failed('client', p_tenant::text || ':' || p_client, p_tenant, NULL, 'client', p_client);
END
$$;

-- The sealed client secret of a server's own OAuth client, and the names it is bound to
-- (src/dialect/azure_servers.c seals it to subscription/group/service/name/client_secret).
-- A single SELECT: inlined where it is used.
CREATE FUNCTION api.own_client_secret(p_server bigint)
    RETURNS TABLE (azure_key_id text, azure_ciphertext bytea, azure_binding text)
    LANGUAGE sql STABLE AS $$
    SELECT sec.key_id, sec.ciphertext,
           lower(az.subscription_id || '/' || az.resource_group || '/' || az.service_name || '/' ||
                 s.resource_name || '/client_secret')
    FROM server_secrets sec JOIN servers s ON s.id = sec.server_id
    JOIN azure_services az ON az.id = s.azure_service_id
    WHERE sec.server_id = p_server AND sec.name = 'client_secret';
$$;

-- The ring of server p_server, or (p_server NULL) of tenant p_tenant: no row until it is
-- made. Inlined where it is used (each branch its own index).
CREATE FUNCTION api.issuer_row(p_server bigint, p_tenant bigint) RETURNS SETOF issuers
    LANGUAGE sql STABLE AS $$
    SELECT * FROM issuers i WHERE i.server_id = p_server
    UNION ALL
    SELECT * FROM issuers i WHERE p_server IS NULL AND i.tenant_id = p_tenant AND i.server_id IS NULL;
$$;

-- POST .../revoke: the caller (api.token_caller); a token the worker verified with a key of
-- this endpoint's ring and that is the caller's own is recorded as revoked until it expires.
-- outcome as api.token_caller's, and not_yours for another client's token (nothing
-- recorded). A token of another ring changes nothing and answers ok (RFC 7009). A failed
-- authentication is counted here.
CREATE FUNCTION api.token_revoke(p_server bigint, p_host text, p_client text, p_hash bytea,
                                 p_key_issuer bigint, p_token_client text, p_jti text, p_expires timestamptz)
    RETURNS TABLE (outcome text, retry_after integer, issuer_id bigint, azure_key_id text,
                   azure_ciphertext bytea, azure_binding text, tenant_host boolean)
    LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    v record;
    v_outcome text;
    v_issuer bigint;
BEGIN
    SELECT * INTO v FROM api.token_caller(p_server, p_host, p_client, p_hash) AS c;
    v_outcome := v.outcome;
    v_issuer := api.issuer_of(p_server, v.tenant_id);
    IF v_outcome = 'invalid_client' THEN
        PERFORM api.token_client_failed(v.tenant_id, p_client);
    ELSIF v_outcome = 'ok' AND v_issuer = p_key_issuer THEN
        IF p_token_client IS DISTINCT FROM p_client THEN
            v_outcome := 'not_yours';
        ELSE
            PERFORM api.token_revoke_record(v_issuer, p_jti, p_client, p_expires);
        END IF;
    END IF;
    RETURN QUERY SELECT v_outcome, v.retry_after, v_issuer, sec.azure_key_id, sec.azure_ciphertext,
        sec.azure_binding, v.tenant_host
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL api.own_client_secret(p_server) AS sec ON v_outcome = 'check_secret';
END
$$;

-- The revocation itself (also for a server's own client, once the worker has opened and
-- compared its secret).
CREATE FUNCTION api.token_revoke_record(p_issuer bigint, p_jti text, p_client text, p_expires timestamptz)
    RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    DELETE FROM token_revocations WHERE ctid = ANY (ARRAY(
        SELECT r.ctid FROM token_revocations r WHERE r.expires_at < now() LIMIT 100));
    -- no token lives longer than the longest lifetime: a later exp is not one of ours
    INSERT INTO token_revocations (issuer_id, jti, client_id, expires_at)
    SELECT p_issuer, p_jti, p_client, least(p_expires, now() + api.key_retention()) WHERE p_expires > now()
    ON CONFLICT DO NOTHING;
END
$$;

-- A server's own client whose secret the worker found wrong: counted and audited.
CREATE FUNCTION api.token_secret_failed(p_server bigint, p_client text) RETURNS integer
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN (SELECT api.token_client_failed(s.tenant_id, p_client) FROM servers s WHERE s.id = p_server);
END
$$;

-- What an issuer publishes (JWKS, metadata): found is false without such a server; keys
-- (the live public JWKs, newest first) is NULL until the ring is made. scopes: the server's
-- (a tenant issuer's: every server's of the tenant); client_credentials: whether the server
-- allows the grant (a tenant issuer: whether any server does).
CREATE FUNCTION api.issuer_public(p_server bigint, p_host text)
    RETURNS TABLE (found boolean, tenant_id bigint, issuer_id bigint, keys jsonb, algs jsonb, scopes jsonb,
                   client_credentials boolean, tenant_host boolean)
    LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    v_tenant bigint;
    v_issuer bigint;
BEGIN
    IF p_server IS NOT NULL THEN
        SELECT s.tenant_id INTO v_tenant FROM servers s WHERE s.id = p_server;
        IF v_tenant IS NULL THEN
            RETURN QUERY SELECT false, NULL::bigint, NULL::bigint, NULL::jsonb, NULL::jsonb, NULL::jsonb, false, false;
            RETURN;
        END IF;
    ELSE
        v_tenant := api.host_tenant(p_host);
    END IF;
    v_issuer := api.issuer_of(p_server, v_tenant);
    -- Two queries, not one with "p_server IS NULL OR s.id = p_server": PL/pgSQL's generic
    -- plan for that form cannot use the key and read every server of the tenant.
    IF p_server IS NOT NULL THEN
        RETURN QUERY
        SELECT true, v_tenant, v_issuer,
               (SELECT jsonb_agg(k.public_jwk ORDER BY k.signs_from_us DESC) FROM api.issuer_keys(v_issuer) AS k),
               coalesce((SELECT jsonb_agg(DISTINCT k.alg) FROM api.issuer_keys(v_issuer) AS k), '[]'),
               coalesce((SELECT jsonb_agg(DISTINCT sc.value) FROM server_scopes sc WHERE sc.server_id = p_server),
                        '[]'),
               EXISTS (SELECT 1 FROM server_grant_types g WHERE g.server_id = p_server AND g.grant_type_id = 4),
               api.host_claimed(p_host);
    ELSE
        RETURN QUERY
        SELECT true, v_tenant, v_issuer,
               (SELECT jsonb_agg(k.public_jwk ORDER BY k.signs_from_us DESC) FROM api.issuer_keys(v_issuer) AS k),
               coalesce((SELECT jsonb_agg(DISTINCT k.alg) FROM api.issuer_keys(v_issuer) AS k), '[]'),
               coalesce((SELECT jsonb_agg(DISTINCT sc.value) FROM server_scopes sc JOIN servers s ON s.id = sc.server_id
                         WHERE s.tenant_id = v_tenant), '[]'),
               EXISTS (SELECT 1 FROM server_grant_types g JOIN servers s ON s.id = g.server_id
                       WHERE s.tenant_id = v_tenant AND g.grant_type_id = 4),
               api.host_claimed(p_host);
    END IF;
END
$$;

-- authzctl servers list: every server with the dialect that made it (and for Azure's, the
-- name Azure knows it by), oldest first.
CREATE VIEW api.server_issuers AS
SELECT s.id, t.name AS tenant, s.name, s.resource_name,
       CASE WHEN s.azure_service_id IS NOT NULL THEN 'azure' ELSE 'onelogin' END AS dialect
FROM servers s JOIN tenants t ON t.id = s.tenant_id;

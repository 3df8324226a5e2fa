-- Logins: management credentials (OneLogin's /auth/oauth2), identities (Venafi's
-- /vedauth), and the throttle every login form shares: after 10 failures of one subject
-- within 60 seconds, that subject is refused (429) until the window ends, its right secret
-- included; other subjects are not affected.
--
-- Secrets arrive as SHA-256 digests and are compared here. A 256-bit random secret's
-- digest compared in variable time tells an attacker nothing usable (learning a prefix of
-- SHA-256(guess) does not bring a guess closer), so the comparison may sit in the statement
-- that also issues the token: one round trip a login. Passwords (low entropy) are verified
-- with Argon2id in the worker instead.

-- Seconds until subject may try again; 0 when it is not throttled.
-- (PL/pgSQL: a SQL function that is not inlined is planned again at every call.)
CREATE FUNCTION api.login_throttled(p_kind text, p_subject text) RETURNS integer
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(max(greatest(1, ceil(extract(epoch FROM
                f.window_started_at + interval '60 seconds' - now()))::int)), 0)
            FROM login_failures f
            WHERE f.kind = p_kind AND f.subject = left(p_subject, 512)
              AND f.window_started_at > now() - interval '60 seconds' AND f.failures >= 10);
END
$$;

-- Counts a failure (and audits it, with the tenant and credential when known).
CREATE FUNCTION api.login_failed(p_kind text, p_subject text, p_tenant bigint, p_credential bigint,
                                 p_object_type text, p_object text) RETURNS integer
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_failures integer;
BEGIN
    INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id)
    VALUES (p_tenant, p_credential, 'login.failed', p_object_type, left(p_object, 256));
    INSERT INTO login_failures AS f (kind, subject, failures, window_started_at)
    VALUES (p_kind, left(p_subject, 512), 1, now())
    ON CONFLICT (kind, subject) DO UPDATE SET
        failures = CASE WHEN f.window_started_at > now() - interval '60 seconds' THEN f.failures + 1 ELSE 1 END,
        window_started_at = CASE WHEN f.window_started_at > now() - interval '60 seconds'
                                 THEN f.window_started_at ELSE now() END
    RETURNING f.failures INTO v_failures;
    RETURN v_failures;
END
$$;

CREATE FUNCTION api.login_succeeded(p_kind text, p_subject text) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    DELETE FROM login_failures WHERE kind = p_kind AND subject = left(p_subject, 512);
END
$$;

-- A management credential's login. outcome: ok, denied (unknown, revoked or wrong secret:
-- one answer for all) or throttled (retry_after seconds).
CREATE FUNCTION api.credential_login(p_client_id text, p_secret_hash bytea)
    RETURNS TABLE (outcome text, credential_id bigint, tenant_id bigint, token_ttl_seconds integer,
                   retry_after integer)
    LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    c api_credentials;
    v_wait integer := api.login_throttled('credential', p_client_id);
BEGIN
    IF v_wait > 0 THEN
        RETURN QUERY SELECT 'throttled', NULL::bigint, NULL::bigint, NULL::integer, v_wait;
        RETURN;
    END IF;
    SELECT * INTO c FROM api_credentials x WHERE x.client_id = p_client_id;
    IF c.id IS NULL OR c.revoked_at IS NOT NULL OR c.secret_hash IS DISTINCT FROM p_secret_hash THEN
        PERFORM api.login_failed('credential', p_client_id, c.tenant_id, c.id, 'credential', p_client_id);
        RETURN QUERY SELECT 'denied', NULL::bigint, NULL::bigint, NULL::integer, 0;
        RETURN;
    END IF;
    PERFORM api.login_succeeded('credential', p_client_id);
    PERFORM api.become_tenant(c.tenant_id, c.id);
    RETURN QUERY SELECT 'ok', c.id, c.tenant_id, c.token_ttl_seconds, 0;
END
$$;

-- POST /auth/oauth2/v2/token: login and, if it succeeds, a new access token (hashes only).
-- last_used_at is kept to the minute: writing it on every login would queue every login of
-- one credential behind a single row lock.
CREATE FUNCTION api.management_token_issue(p_client_id text, p_secret_hash bytea, p_token_hash bytea,
                                           p_refresh_hash bytea, p_default_ttl integer)
    RETURNS TABLE (outcome text, tenant_id bigint, created_us bigint, expires_in integer, retry_after integer)
    LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    l record;
    v_created timestamptz := now();
    v_expires timestamptz;
BEGIN
    SELECT * INTO l FROM api.credential_login(p_client_id, p_secret_hash);
    IF l.outcome <> 'ok' THEN
        RETURN QUERY SELECT l.outcome, NULL::bigint, NULL::bigint, NULL::integer, l.retry_after;
        RETURN;
    END IF;
    v_expires := v_created + make_interval(secs => coalesce(l.token_ttl_seconds, p_default_ttl));
    INSERT INTO access_tokens (token_hash, refresh_token_hash, credential_id, created_at, expires_at)
    VALUES (p_token_hash, p_refresh_hash, l.credential_id, v_created, v_expires);
    UPDATE api_credentials SET last_used_at = now()
    WHERE id = l.credential_id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
    PERFORM api.audit('token.issue', 'access_token', left(encode(p_token_hash, 'hex'), 12), NULL,
                      jsonb_build_object('expires_at', v_expires));
    RETURN QUERY SELECT 'ok', l.tenant_id, api.us(v_created),
        extract(epoch FROM v_expires - v_created)::integer, 0;
END
$$;

-- POST /auth/oauth2/revoke: login, then revoke the token if it is that credential's.
-- Unknown and foreign tokens change nothing and answer the same (RFC 7009).
CREATE FUNCTION api.management_token_revoke(p_client_id text, p_secret_hash bytea, p_token_hash bytea)
    RETURNS TABLE (outcome text, retry_after integer)
    LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    l record;
BEGIN
    SELECT * INTO l FROM api.credential_login(p_client_id, p_secret_hash);
    IF l.outcome = 'ok' THEN
        UPDATE access_tokens SET revoked_at = now()
        WHERE token_hash = p_token_hash AND credential_id = l.credential_id AND revoked_at IS NULL;
        IF FOUND THEN
            PERFORM api.audit('token.revoke', 'access_token', left(encode(p_token_hash, 'hex'), 12), NULL, NULL);
        END IF;
    END IF;
    RETURN QUERY SELECT l.outcome, l.retry_after;
END
$$;

-- ---- /vedauth: identities of the caller's tenant (found by host) -------------------------

-- The throttling subject of an identity login.
CREATE FUNCTION api.identity_subject(p_username text) RETURNS text
    LANGUAGE sql STABLE RETURN api.current_tenant() || ':' || lower(p_username);

CREATE FUNCTION api.vedauth_failed(p_username text) RETURNS integer
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN api.login_failed('identity', api.identity_subject(p_username), api.current_tenant(), NULL,
                            'identity', p_username);
END
$$;

-- A password grant that passed: a grant with its access token and (renewable) refresh token.
CREATE FUNCTION api.vedauth_grant(p_app bigint, p_identity bigint, p_username text, p_scope text,
                                  p_names text[], p_access_hash bytea, p_refresh_hash bytea)
    RETURNS TABLE (access_issued_us bigint, access_expires_us bigint, grant_issued_us bigint,
                   grant_expires_us bigint)
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    a applications;
    g grants;
    v_access_expires timestamptz;
BEGIN
    SELECT * INTO a FROM applications WHERE id = p_app AND tenant_id = api.require_tenant();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no application %', p_app USING ERRCODE = 'AZ404';
    END IF;
    INSERT INTO grants (application_id, identity_id, scope, scope_names, expires_at)
    VALUES (p_app, p_identity, p_scope, p_names, now() + make_interval(secs => a.grant_validity_seconds))
    RETURNING * INTO g;
    v_access_expires := least(now() + make_interval(secs => a.access_validity_seconds), g.expires_at);
    INSERT INTO grant_tokens (token_hash, grant_id, kind, expires_at)
    VALUES (p_access_hash, g.id, 'access', v_access_expires);
    IF p_refresh_hash IS NOT NULL THEN
        INSERT INTO grant_tokens (token_hash, grant_id, kind, expires_at)
        VALUES (p_refresh_hash, g.id, 'refresh', g.expires_at);
    END IF;
    PERFORM api.login_succeeded('identity', api.identity_subject(p_username));
    PERFORM api.audit('grant.create', 'grant', g.id::text, NULL,
        jsonb_build_object('application_id', g.application_id, 'identity_id', g.identity_id, 'scope', g.scope));
    RETURN QUERY SELECT api.us(g.issued_at), api.us(v_access_expires), api.us(g.issued_at), api.us(g.expires_at);
END
$$;

-- Refresh with rotation: the old refresh token and the grant's access tokens end; a new
-- pair is stored. AZ404 if the refresh token is unknown, used, expired or revoked.
CREATE FUNCTION api.vedauth_refresh(p_client_id text, p_refresh_hash bytea, p_access_hash bytea,
                                    p_new_refresh_hash bytea)
    RETURNS TABLE (access_issued_us bigint, access_expires_us bigint, grant_issued_us bigint,
                   grant_expires_us bigint, scope text, identity text, application text)
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    o record;
    v_access_expires timestamptz;
BEGIN
    SELECT g.id AS grant_id, g.expires_at AS grant_expires, g.issued_at, g.scope AS grant_scope,
           a.access_validity_seconds, i.universal, a.client_id
    INTO o
    FROM grant_tokens rt JOIN grants g ON g.id = rt.grant_id
    JOIN applications a ON a.id = g.application_id JOIN identities i ON i.id = g.identity_id
    WHERE rt.token_hash = p_refresh_hash AND rt.kind = 'refresh' AND rt.revoked_at IS NULL
      AND rt.expires_at > now() AND g.revoked_at IS NULL AND g.expires_at > now()
      AND a.client_id = p_client_id AND a.tenant_id = api.require_tenant() AND a.renewable AND i.enabled
    FOR UPDATE OF rt;
    IF o.grant_id IS NULL THEN
        RAISE EXCEPTION 'refresh token not live' USING ERRCODE = 'AZ404';
    END IF;
    -- a second refresh with the same token waited on the lock above and now finds it revoked
    UPDATE grant_tokens SET revoked_at = now() WHERE grant_id = o.grant_id AND revoked_at IS NULL;
    UPDATE grants SET access_issued_at = now() WHERE id = o.grant_id;
    v_access_expires := least(now() + make_interval(secs => o.access_validity_seconds), o.grant_expires);
    INSERT INTO grant_tokens (token_hash, grant_id, kind, expires_at)
    VALUES (p_access_hash, o.grant_id, 'access', v_access_expires),
           (p_new_refresh_hash, o.grant_id, 'refresh', o.grant_expires);
    PERFORM api.audit('grant.refresh', 'grant', o.grant_id::text, NULL, NULL);
    RETURN QUERY SELECT api.us(now()), api.us(v_access_expires), api.us(o.issued_at), api.us(o.grant_expires),
        o.grant_scope, 'local:{' || o.universal || '}', o.client_id;
END
$$;

-- Revoking an access token ends its whole grant. AZ404 if the token is not live.
CREATE FUNCTION api.vedauth_revoke(p_access_hash bytea) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_grant bigint;
BEGIN
    SELECT t.grant_id INTO v_grant
    FROM grant_tokens t JOIN grants g ON g.id = t.grant_id JOIN applications a ON a.id = g.application_id
    WHERE t.token_hash = p_access_hash AND t.kind = 'access' AND t.revoked_at IS NULL AND t.expires_at > now()
      AND g.revoked_at IS NULL AND g.expires_at > now() AND a.tenant_id = api.require_tenant()
    FOR UPDATE OF g;
    IF v_grant IS NULL THEN
        RAISE EXCEPTION 'access token not live' USING ERRCODE = 'AZ404';
    END IF;
    UPDATE grants SET revoked_at = now() WHERE id = v_grant;
    UPDATE grant_tokens SET revoked_at = now() WHERE grant_id = v_grant AND revoked_at IS NULL;
    PERFORM api.audit('grant.revoke', 'grant', v_grant::text, NULL, NULL);
    RETURN v_grant;
END
$$;

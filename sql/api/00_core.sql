-- The api schema: every write authzd makes, as one function a write, and the helpers they
-- share. `authzctl migrate` drops and re-creates this schema after the numbered migrations,
-- so these files are the functions' only definition (edit them in place; no migration).
--
-- Why functions: a PL/pgSQL function runs each statement on a fresh snapshot, so a write
-- that first locks its row (SELECT ... FOR UPDATE) then replaces its child rows sees every
-- row a concurrent writer committed while it waited; one statement with data-modifying CTEs
-- cannot (all its parts share the snapshot taken before the lock). The worker still sends
-- one flight: caller check and call are pipelined (src/db/db.c).
--
-- Which language: a function whose body is a statement (a query, DML, several statements)
-- is PL/pgSQL, which keeps its plans for the session; a LANGUAGE sql function that is not
-- inlined is parsed and planned again on every call (measured: api.become_tenant as SQL
-- cost 10 us a call, as PL/pgSQL nothing over a bare SELECT). A function that is one
-- expression (RETURN ...) or one STABLE SELECT returning a set stays SQL: it is inlined into
-- the calling statement, which is cheaper still.
--
-- The caller: the first statement of a request's pipeline (api.caller_by_token,
-- api.caller_by_host or api.become_tenant) records the tenant and credential in
-- transaction-local settings; everything after reads them through api.current_tenant() and
-- api.current_credential(). No caller, no tenant: reads see nothing, writes raise AZ401.
--
-- Errors raised here use SQLSTATE class AZ, mapped to statuses in src/db/db.c:
--   AZ401 unauthorized   AZ403 forbidden   AZ404 not found   AZ409 conflict
--   AZ412 precondition failed   AZ422 invalid (DETAIL names the offending value)

CREATE FUNCTION api.current_tenant() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN nullif(current_setting('authzd.tenant_id', true), '')::bigint;

CREATE FUNCTION api.current_credential() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN nullif(current_setting('authzd.credential_id', true), '')::bigint;

-- The tenant a write belongs to; a write without a caller is refused, never stored nowhere.
CREATE FUNCTION api.require_tenant() RETURNS bigint
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_tenant bigint := api.current_tenant();
BEGIN
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'no caller established' USING ERRCODE = 'AZ401';
    END IF;
    RETURN v_tenant;
END
$$;

CREATE FUNCTION api.become_tenant(p_tenant bigint, p_credential bigint DEFAULT NULL) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('authzd.credential_id', coalesce(p_credential::text, ''), true);
    PERFORM set_config('authzd.tenant_id', p_tenant::text, true);
    RETURN p_tenant;
END
$$;

-- A management request: the bearer token's SHA-256, the credential scopes that satisfy the
-- route, and (for routes that also take Venafi tokens) the grant scope names that do.
CREATE FUNCTION api.caller_by_token(p_hash bytea, p_scopes text[], p_grant_scopes text[])
    RETURNS TABLE (tenant_id bigint, credential_id bigint)
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_tenant bigint;
    v_credential bigint;
    v_allowed boolean;
BEGIN
    SELECT c.tenant_id, c.id, c.scopes && p_scopes INTO v_tenant, v_credential, v_allowed
    FROM access_tokens tk JOIN api_credentials c ON c.id = tk.credential_id
    WHERE tk.token_hash = p_hash AND tk.expires_at > now()
      AND tk.revoked_at IS NULL AND c.revoked_at IS NULL;
    IF v_tenant IS NULL AND p_grant_scopes IS NOT NULL THEN
        SELECT i.tenant_id, NULL, g.scope_names && p_grant_scopes INTO v_tenant, v_credential, v_allowed
        FROM grant_tokens gt JOIN grants g ON g.id = gt.grant_id JOIN identities i ON i.id = g.identity_id
        WHERE gt.token_hash = p_hash AND gt.kind = 'access' AND gt.expires_at > now()
          AND gt.revoked_at IS NULL AND g.revoked_at IS NULL AND g.expires_at > now() AND i.enabled;
    END IF;
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'token unknown, expired or revoked' USING ERRCODE = 'AZ401';
    END IF;
    IF NOT v_allowed THEN
        RAISE EXCEPTION 'token lacks the scope' USING ERRCODE = 'AZ403';
    END IF;
    PERFORM api.become_tenant(v_tenant, v_credential);
    RETURN QUERY SELECT v_tenant, v_credential;
END
$$;

-- A public endpoint (/vedauth, the token service): the tenant whose host name the request
-- came to, else the tenant named 'default'.
CREATE FUNCTION api.caller_by_host(p_host text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN api.become_tenant(coalesce(
        (SELECT h.tenant_id FROM tenant_hosts h WHERE h.host = lower(p_host)),
        (SELECT t.id FROM tenants t WHERE t.name = 'default')));
END
$$;

-- The keys of p_a whose values differ in p_b (NULL when none): what an audit event shows.
CREATE FUNCTION api.jsonb_diff(p_a jsonb, p_b jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN (SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(p_a) AS e
            WHERE p_b -> e.key IS DISTINCT FROM e.value);
END
$$;

-- Appends an audit event for the current caller.
CREATE FUNCTION api.audit(p_action text, p_type text, p_object text, p_before jsonb, p_after jsonb)
    RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    INSERT INTO audit_events (tenant_id, credential_id, action, object_type, object_id, before, after)
    VALUES (api.current_tenant(), api.current_credential(), p_action, p_type, p_object, p_before, p_after);
END
$$;

-- An update's event: only the fields that changed, before and after.
CREATE FUNCTION api.audit_change(p_action text, p_type text, p_object text, p_old jsonb, p_new jsonb)
    RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM api.audit(p_action, p_type, p_object, api.jsonb_diff(p_old, p_new), api.jsonb_diff(p_new, p_old));
END
$$;

-- Timestamps leave the database as microseconds since the epoch; each dialect formats them.
CREATE FUNCTION api.us(p_t timestamptz) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN floor(extract(epoch FROM p_t) * 1000000)::bigint;

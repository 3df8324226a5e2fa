-- What authzctl does: tenants and their host names, management credentials and Venafi
-- identities. An operator names the tenant; a tenant that does not exist is refused (AZ404),
-- never created by a typo. Each function becomes that tenant, so its audit events are the
-- tenant's.

CREATE FUNCTION api.tenant_by_name(p_name text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT id INTO v_id FROM tenants WHERE name = p_name;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'no tenant %', p_name USING ERRCODE = 'AZ404';
    END IF;
    PERFORM api.become_tenant(v_id);
    RETURN v_id;
END
$$;

-- AZ409 when the name is taken.
CREATE FUNCTION api.tenant_create(p_name text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_id bigint;
BEGIN
    INSERT INTO tenants (name) VALUES (p_name) ON CONFLICT (name) DO NOTHING RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'tenant % exists', p_name USING ERRCODE = 'AZ409';
    END IF;
    PERFORM api.become_tenant(v_id);
    PERFORM api.audit('tenant.create', 'tenant', v_id::text, NULL, jsonb_build_object('name', p_name));
    RETURN v_id;
END
$$;

CREATE FUNCTION api.tenant_rename(p_name text, p_new_name text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_id bigint := api.tenant_by_name(p_name);
BEGIN
    IF EXISTS (SELECT 1 FROM tenants WHERE name = p_new_name) THEN
        RAISE EXCEPTION 'tenant % exists', p_new_name USING ERRCODE = 'AZ409';
    END IF;
    UPDATE tenants SET name = p_new_name WHERE id = v_id;
    PERFORM api.audit('tenant.rename', 'tenant', v_id::text, jsonb_build_object('name', p_name),
                      jsonb_build_object('name', p_new_name));
    RETURN v_id;
END
$$;

-- Replaces the tenant's host names (lower-cased). AZ409 when another tenant holds one.
CREATE FUNCTION api.tenant_set_hosts(p_name text, p_hosts text[]) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_id bigint := api.tenant_by_name(p_name);
    v_old jsonb;
BEGIN
    PERFORM 1 FROM tenants WHERE id = v_id FOR UPDATE;
    SELECT coalesce(jsonb_agg(host ORDER BY host), '[]') INTO v_old FROM tenant_hosts WHERE tenant_id = v_id;
    IF EXISTS (SELECT 1 FROM tenant_hosts WHERE host = ANY (SELECT lower(h) FROM unnest(p_hosts) AS h)
               AND tenant_id <> v_id) THEN
        RAISE EXCEPTION 'a host belongs to another tenant' USING ERRCODE = 'AZ409';
    END IF;
    DELETE FROM tenant_hosts WHERE tenant_id = v_id;
    INSERT INTO tenant_hosts (host, tenant_id) SELECT DISTINCT lower(h), v_id FROM unnest(p_hosts) AS h;
    PERFORM api.audit('tenant.hosts', 'tenant', v_id::text, jsonb_build_object('hosts', v_old),
        jsonb_build_object('hosts', (SELECT coalesce(jsonb_agg(host ORDER BY host), '[]')
                                     FROM tenant_hosts WHERE tenant_id = v_id)));
    RETURN v_id;
END
$$;

CREATE FUNCTION api.credential_create(p_tenant text, p_client_id text, p_secret_hash bytea,
                                      p_scopes text[], p_ttl integer, p_description text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_tenant bigint := api.tenant_by_name(p_tenant);
BEGIN
    INSERT INTO api_credentials (tenant_id, client_id, secret_hash, scopes, token_ttl_seconds, description)
    VALUES (v_tenant, p_client_id, p_secret_hash, p_scopes, nullif(p_ttl, 0), p_description);
    PERFORM api.audit('credential.create', 'credential', p_client_id, NULL,
        jsonb_build_object('scopes', p_scopes, 'token_ttl_seconds', nullif(p_ttl, 0), 'description', p_description));
    RETURN v_tenant;
END
$$;

-- Its tokens stop working at once. AZ404 when there is no such active credential.
CREATE FUNCTION api.credential_revoke(p_client_id text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    c api_credentials;
BEGIN
    UPDATE api_credentials SET revoked_at = now()
    WHERE client_id = p_client_id AND revoked_at IS NULL RETURNING * INTO c;
    IF c.id IS NULL THEN
        RAISE EXCEPTION 'no active credential %', p_client_id USING ERRCODE = 'AZ404';
    END IF;
    PERFORM api.become_tenant(c.tenant_id);
    PERFORM api.audit('credential.revoke', 'credential', p_client_id, '{"revoked": false}', '{"revoked": true}');
    RETURN c.id;
END
$$;

-- Returns the identity's prefixed universal, local:{uuid}. AZ409 when the username is taken
-- in the tenant.
CREATE FUNCTION api.identity_create(p_tenant text, p_username text, p_password_hash text,
                                    p_maximum_scope text) RETURNS text
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v identities;
BEGIN
    INSERT INTO identities (tenant_id, username, password_hash, maximum_scope)
    VALUES (api.tenant_by_name(p_tenant), p_username, p_password_hash, p_maximum_scope)
    ON CONFLICT DO NOTHING RETURNING * INTO v;
    IF v.id IS NULL THEN
        RAISE EXCEPTION 'identity % exists', p_username USING ERRCODE = 'AZ409';
    END IF;
    PERFORM api.audit('identity.create', 'identity', 'local:{' || v.universal || '}', NULL,
        jsonb_build_object('username', v.username, 'maximum_scope', v.maximum_scope));
    RETURN 'local:{' || v.universal || '}';
END
$$;

-- Its tokens stop working at once. AZ404 when there is no such enabled identity.
CREATE FUNCTION api.identity_disable(p_tenant text, p_username text) RETURNS text
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_tenant bigint := api.tenant_by_name(p_tenant);
    v identities;
BEGIN
    UPDATE identities SET enabled = false
    WHERE tenant_id = v_tenant AND lower(username) = lower(p_username) AND enabled
    RETURNING * INTO v;
    IF v.id IS NULL THEN
        RAISE EXCEPTION 'no enabled identity %', p_username USING ERRCODE = 'AZ404';
    END IF;
    PERFORM api.audit('identity.disable', 'identity', 'local:{' || v.universal || '}',
                      '{"enabled": true}', '{"enabled": false}');
    RETURN 'local:{' || v.universal || '}';
END
$$;

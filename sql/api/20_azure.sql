-- Authorization servers as Azure API Management writes them: by service triple and name,
-- with OAuth client settings, ordered method lists, token body parameters and sealed
-- secrets. Documents use Azure's property names (the audit trail shows them so); grant
-- types inside are the model's names (authorization_code, ...).

-- The caller's service, matched case-insensitively; no row if the tenant owns none.
CREATE FUNCTION api.azure_service_lookup(p_sub text, p_rg text, p_svc text)
    RETURNS SETOF azure_services LANGUAGE sql STABLE AS $$
    SELECT * FROM azure_services a
    WHERE lower(a.subscription_id) = lower(p_sub) AND lower(a.resource_group) = lower(p_rg)
      AND lower(a.service_name) = lower(p_svc) AND a.tenant_id = api.current_tenant();
$$;

-- A server as the Azure dialect reads it: its service's stored spelling, its OAuth client
-- settings, and every list as a JSON array. The configuration is joined LATERAL ... LIMIT 1
-- so a generic plan still looks it up by key.
CREATE VIEW api.azure_server_rows AS
SELECT s.id, s.azure_service_id, s.resource_name, s.name, s.description, s.version,
       v.subscription_id, v.resource_group, v.service_name,
       c.client_registration_endpoint, c.authorization_endpoint, c.token_endpoint, c.client_id,
       c.default_scope, c.support_state, c.use_in_test_console, c.use_in_api_documentation,
       (SELECT coalesce(json_agg(g.name ORDER BY sg.position), '[]') FROM server_grant_types sg
        JOIN grant_types g ON g.id = sg.grant_type_id WHERE sg.server_id = s.id)::text AS grant_types,
       (SELECT coalesce(json_agg(m.method ORDER BY m.position), '[]')
        FROM server_authorization_methods m WHERE m.server_id = s.id)::text AS authorization_methods,
       (SELECT coalesce(json_agg(m.method ORDER BY m.position), '[]')
        FROM server_client_authentication_methods m WHERE m.server_id = s.id)::text AS client_authentication_methods,
       (SELECT coalesce(json_agg(m.method ORDER BY m.position), '[]')
        FROM server_bearer_token_sending_methods m WHERE m.server_id = s.id)::text AS bearer_token_sending_methods,
       (SELECT coalesce(json_agg(json_build_object('name', p.name, 'value', p.value) ORDER BY p.position), '[]')
        FROM server_token_body_parameters p WHERE p.server_id = s.id)::text AS token_body_parameters
FROM servers s
JOIN azure_services v ON v.id = s.azure_service_id
JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true;

-- PATCH's read: locks the server (AZ404 if there is none), then reads it on a fresh
-- snapshot. Runs inside the transaction that will write it back.
CREATE FUNCTION api.azure_get_locked(p_sub text, p_rg text, p_svc text, p_name text)
    RETURNS SETOF api.azure_server_rows LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT s.id INTO v_id FROM api.azure_service_lookup(p_sub, p_rg, p_svc) AS v
    JOIN servers s ON s.azure_service_id = v.id AND lower(s.resource_name) = lower(p_name)
    FOR UPDATE OF s;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'no server %', p_name USING ERRCODE = 'AZ404';
    END IF;
    RETURN QUERY SELECT * FROM api.azure_server_rows r WHERE r.id = v_id;
END
$$;

-- The service a write goes to; the first write that may create claims an unknown triple
-- for the caller's tenant. AZ404 when another tenant owns it (or it is unknown and may not
-- be created). Two first writers race safely: ON CONFLICT waits for the other, and the
-- lookup after it runs on a fresh snapshot.
CREATE FUNCTION api.azure_service_claim(p_sub text, p_rg text, p_svc text, p_create boolean)
    RETURNS azure_services LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v azure_services;
BEGIN
    IF p_create THEN
        INSERT INTO azure_services (tenant_id, subscription_id, resource_group, service_name)
        VALUES (api.require_tenant(), p_sub, p_rg, p_svc) ON CONFLICT DO NOTHING;
    END IF;
    SELECT * INTO v FROM api.azure_service_lookup(p_sub, p_rg, p_svc);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no service %/%/%', p_sub, p_rg, p_svc USING ERRCODE = 'AZ404';
    END IF;
    RETURN v;
END
$$;

CREATE FUNCTION api.azure_doc(p_id bigint) RETURNS jsonb
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object(
            'displayName', s.name, 'description', s.description,
            'clientRegistrationEndpoint', c.client_registration_endpoint,
            'authorizationEndpoint', c.authorization_endpoint, 'tokenEndpoint', c.token_endpoint,
            'clientId', c.client_id, 'defaultScope', c.default_scope, 'supportState', c.support_state,
            'useInTestConsole', c.use_in_test_console, 'useInApiDocumentation', c.use_in_api_documentation,
            'grantTypes', coalesce((SELECT jsonb_agg(g.name ORDER BY sg.position) FROM server_grant_types sg
                                    JOIN grant_types g ON g.id = sg.grant_type_id WHERE sg.server_id = s.id), '[]'),
            'authorizationMethods', coalesce((SELECT jsonb_agg(m.method ORDER BY m.position)
                                    FROM server_authorization_methods m WHERE m.server_id = s.id), '[]'),
            'clientAuthenticationMethod', coalesce((SELECT jsonb_agg(m.method ORDER BY m.position)
                                    FROM server_client_authentication_methods m WHERE m.server_id = s.id), '[]'),
            'bearerTokenSendingMethods', coalesce((SELECT jsonb_agg(m.method ORDER BY m.position)
                                    FROM server_bearer_token_sending_methods m WHERE m.server_id = s.id), '[]'),
            'tokenBodyParameters', coalesce((SELECT jsonb_agg(jsonb_build_object('name', p.name, 'value', p.value)
                                    ORDER BY p.position) FROM server_token_body_parameters p WHERE p.server_id = s.id), '[]'))
        FROM servers s JOIN server_configurations c ON c.server_id = s.id
        WHERE s.id = p_id
    );
END
$$;

-- Writes every property of server p_id from p_doc, replacing each list whole.
CREATE FUNCTION api.azure_write_properties(p_id bigint, p_doc jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    INSERT INTO server_configurations AS c (server_id, client_registration_endpoint,
        authorization_endpoint, token_endpoint, client_id, default_scope, support_state,
        use_in_test_console, use_in_api_documentation)
    VALUES (p_id, p_doc ->> 'clientRegistrationEndpoint', p_doc ->> 'authorizationEndpoint',
        p_doc ->> 'tokenEndpoint', p_doc ->> 'clientId', p_doc ->> 'defaultScope',
        (p_doc ->> 'supportState')::boolean, (p_doc ->> 'useInTestConsole')::boolean,
        (p_doc ->> 'useInApiDocumentation')::boolean)
    ON CONFLICT (server_id) DO UPDATE SET
        client_registration_endpoint = excluded.client_registration_endpoint,
        authorization_endpoint = excluded.authorization_endpoint,
        token_endpoint = excluded.token_endpoint, client_id = excluded.client_id,
        default_scope = excluded.default_scope, support_state = excluded.support_state,
        use_in_test_console = excluded.use_in_test_console,
        use_in_api_documentation = excluded.use_in_api_documentation;

    PERFORM api.server_set_grant_types(p_id, p_doc -> 'grantTypes');

    DELETE FROM server_authorization_methods WHERE server_id = p_id;
    INSERT INTO server_authorization_methods (server_id, method, position)
    SELECT p_id, t.m, t.ord - 1 FROM jsonb_array_elements_text(p_doc -> 'authorizationMethods')
        WITH ORDINALITY AS t(m, ord);

    DELETE FROM server_client_authentication_methods WHERE server_id = p_id;
    INSERT INTO server_client_authentication_methods (server_id, method, position)
    SELECT p_id, t.m, t.ord - 1 FROM jsonb_array_elements_text(p_doc -> 'clientAuthenticationMethod')
        WITH ORDINALITY AS t(m, ord);

    DELETE FROM server_bearer_token_sending_methods WHERE server_id = p_id;
    INSERT INTO server_bearer_token_sending_methods (server_id, method, position)
    SELECT p_id, t.m, t.ord - 1 FROM jsonb_array_elements_text(p_doc -> 'bearerTokenSendingMethods')
        WITH ORDINALITY AS t(m, ord);

    DELETE FROM server_token_body_parameters WHERE server_id = p_id;
    INSERT INTO server_token_body_parameters (server_id, name, value, position)
    SELECT p_id, t.p ->> 'name', t.p ->> 'value', t.ord - 1
    FROM jsonb_array_elements(p_doc -> 'tokenBodyParameters') WITH ORDINALITY AS t(p, ord);
END
$$;

-- Secrets: p_secrets maps a secret's name to {key_id, ciphertext (hex)} to set it, or to
-- null to remove it; a name left out keeps what is stored.
CREATE FUNCTION api.azure_write_secrets(p_id bigint, p_secrets jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    DELETE FROM server_secrets x USING jsonb_each(p_secrets) AS e
    WHERE x.server_id = p_id AND x.name = e.key AND jsonb_typeof(e.value) = 'null';
    INSERT INTO server_secrets AS x (server_id, name, key_id, ciphertext)
    SELECT p_id, e.key, e.value ->> 'key_id', decode(e.value ->> 'ciphertext', 'hex')
    FROM jsonb_each(p_secrets) AS e WHERE jsonb_typeof(e.value) = 'object'
    ON CONFLICT (server_id, name) DO UPDATE SET key_id = excluded.key_id,
        ciphertext = excluded.ciphertext, updated_at = now();
END
$$;

-- CreateOrUpdate. p_expected: NULL (no If-Match: create or replace), -1 (If-Match: *, the
-- server must exist), -2 (an If-Match that names no version of ours: never matches), or
-- the version an ETag names. Concurrent first writers of one name: one inserts (201), the
-- others wait on ON CONFLICT, then lock and replace it (200).
CREATE FUNCTION api.azure_put(p_sub text, p_rg text, p_svc text, p_name text, p_doc jsonb,
                              p_expected integer, p_secrets jsonb)
    RETURNS TABLE (id bigint, version integer, created boolean, resource_name text,
                   subscription_id text, resource_group text, service_name text)
    LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    v_svc azure_services;
    v_id bigint;
    v_version integer;
    v_old jsonb;
    v_created boolean := false;
    v_changed jsonb := CASE WHEN p_secrets = '{}' THEN '{}'
        ELSE jsonb_build_object('secretsChanged', (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(p_secrets) AS k)) END;
BEGIN
    v_svc := api.azure_service_claim(p_sub, p_rg, p_svc, p_expected IS NULL);
    FOR attempt IN 1..3 LOOP
        IF p_expected IS NULL THEN
            INSERT INTO servers AS s (tenant_id, name, description, azure_service_id, resource_name)
            VALUES (v_svc.tenant_id, p_doc ->> 'displayName', p_doc ->> 'description', v_svc.id, p_name)
            ON CONFLICT (azure_service_id, lower(resource_name)) WHERE azure_service_id IS NOT NULL DO NOTHING
            RETURNING s.id, s.version INTO v_id, v_version;
            v_created := v_id IS NOT NULL;
            EXIT WHEN v_created;
        END IF;
        SELECT s.id, s.version INTO v_id, v_version FROM servers s
        WHERE s.azure_service_id = v_svc.id AND lower(s.resource_name) = lower(p_name) FOR UPDATE;
        EXIT WHEN FOUND;
        -- deleted between our conflicting insert and the lock: insert again
        IF p_expected IS NOT NULL THEN
            RAISE EXCEPTION 'no server % to match', p_name USING ERRCODE = 'AZ412';
        END IF;
    END LOOP;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'server % kept vanishing', p_name USING ERRCODE = 'AZ409';
    END IF;

    IF v_created THEN
        PERFORM api.azure_write_properties(v_id, p_doc);
        PERFORM api.azure_write_secrets(v_id, p_secrets);
        PERFORM api.audit('server.create', 'server', v_id::text, NULL, p_doc || v_changed);
    ELSE
        IF p_expected = -2 OR (p_expected > 0 AND p_expected <> v_version) THEN
            RAISE EXCEPTION 'If-Match does not name version %', v_version USING ERRCODE = 'AZ412';
        END IF;
        v_old := api.azure_doc(v_id);
        UPDATE servers s SET name = p_doc ->> 'displayName', description = p_doc ->> 'description',
            version = s.version + 1, updated_at = greatest(now(), s.created_at)
        WHERE s.id = v_id RETURNING s.version INTO v_version;
        PERFORM api.azure_write_properties(v_id, p_doc);
        PERFORM api.azure_write_secrets(v_id, p_secrets);
        PERFORM api.audit('server.update', 'server', v_id::text, api.jsonb_diff(v_old, p_doc),
                          coalesce(api.jsonb_diff(p_doc, v_old), '{}') || v_changed);
    END IF;
    RETURN QUERY SELECT v_id, v_version, v_created, s.resource_name,
        v_svc.subscription_id, v_svc.resource_group, v_svc.service_name
    FROM servers s WHERE s.id = v_id;
END
$$;

-- Delete. Returns whether a server was deleted (false: nothing to delete, Azure's 204).
-- p_expected as for azure_put (never NULL: Delete requires If-Match).
CREATE FUNCTION api.azure_delete(p_sub text, p_rg text, p_svc text, p_name text, p_expected integer)
    RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_svc azure_services;
    v_id bigint;
    v_version integer;
    v_old jsonb;
BEGIN
    v_svc := api.azure_service_claim(p_sub, p_rg, p_svc, false);
    SELECT s.id, s.version INTO v_id, v_version FROM servers s
    WHERE s.azure_service_id = v_svc.id AND lower(s.resource_name) = lower(p_name) FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF p_expected = -2 OR (p_expected > 0 AND p_expected <> v_version) THEN
        RAISE EXCEPTION 'If-Match does not name version %', v_version USING ERRCODE = 'AZ412';
    END IF;
    v_old := api.azure_doc(v_id);
    DELETE FROM servers WHERE servers.id = v_id;
    PERFORM api.audit('server.delete', 'server', v_id::text, v_old, NULL);
    RETURN true;
END
$$;

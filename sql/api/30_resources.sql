-- What hangs off a server: scopes, claims, and the applications linked to it with the
-- scopes each may request. Every write locks the server first, so writers of one server's
-- children queue behind each other and each list is replaced whole.

CREATE FUNCTION api.scope_doc(s server_scopes) RETURNS jsonb
    LANGUAGE sql IMMUTABLE RETURN
    jsonb_build_object('server_id', s.server_id, 'value', s.value, 'description', s.description);

CREATE FUNCTION api.scope_create(p_server bigint, p_value text, p_description text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v server_scopes;
BEGIN
    PERFORM api.server_lock(p_server);
    INSERT INTO server_scopes (server_id, value, description) VALUES (p_server, p_value, p_description)
    RETURNING * INTO v;
    PERFORM api.audit('scope.create', 'scope', v.id::text, NULL, api.scope_doc(v));
    RETURN v.id;
END
$$;

CREATE FUNCTION api.scope_update(p_server bigint, p_id bigint, p_value text, p_description text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_old server_scopes;
    v_new server_scopes;
BEGIN
    PERFORM api.server_lock(p_server);
    SELECT * INTO v_old FROM server_scopes WHERE id = p_id AND server_id = p_server;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no scope %', p_id USING ERRCODE = 'AZ404';
    END IF;
    UPDATE server_scopes SET value = p_value, description = p_description WHERE id = p_id
    RETURNING * INTO v_new;
    PERFORM api.audit_change('scope.update', 'scope', p_id::text, api.scope_doc(v_old), api.scope_doc(v_new));
    RETURN p_id;
END
$$;

CREATE FUNCTION api.scope_delete(p_server bigint, p_id bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v server_scopes;
BEGIN
    PERFORM api.server_lock(p_server);
    DELETE FROM server_scopes WHERE id = p_id AND server_id = p_server RETURNING * INTO v;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no scope %', p_id USING ERRCODE = 'AZ404';
    END IF;
    PERFORM api.audit('scope.delete', 'scope', p_id::text, api.scope_doc(v), NULL);
    RETURN p_id;
END
$$;

-- A claim's audited document: every column but the id and the creation time.
CREATE FUNCTION api.claim_doc(c server_claims) RETURNS jsonb
    LANGUAGE sql IMMUTABLE RETURN to_jsonb(c) - 'id' - 'created_at';

-- p_doc: name, label, user_attribute_mappings, user_attribute_macros,
-- attributes_transformations, skip_if_blank, values, default_values, provisioned_entitlements.
CREATE FUNCTION api.claim_create(p_server bigint, p_doc jsonb) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v server_claims;
BEGIN
    PERFORM api.server_lock(p_server);
    INSERT INTO server_claims (server_id, name, label, user_attribute_mappings, user_attribute_macros,
        attributes_transformations, skip_if_blank, "values", default_values, provisioned_entitlements)
    SELECT p_server, d.name, d.label, d.user_attribute_mappings, d.user_attribute_macros,
        d.attributes_transformations, d.skip_if_blank, d."values", d.default_values, d.provisioned_entitlements
    FROM jsonb_populate_record(NULL::server_claims, p_doc) AS d
    RETURNING * INTO v;
    PERFORM api.audit('claim.create', 'claim', v.id::text, NULL, api.claim_doc(v));
    RETURN v.id;
END
$$;

CREATE FUNCTION api.claim_update(p_server bigint, p_id bigint, p_doc jsonb) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_old server_claims;
    v_new server_claims;
BEGIN
    PERFORM api.server_lock(p_server);
    SELECT * INTO v_old FROM server_claims WHERE id = p_id AND server_id = p_server;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no claim %', p_id USING ERRCODE = 'AZ404';
    END IF;
    UPDATE server_claims c SET (name, label, user_attribute_mappings, user_attribute_macros,
        attributes_transformations, skip_if_blank, "values", default_values, provisioned_entitlements) =
       (d.name, d.label, d.user_attribute_mappings, d.user_attribute_macros,
        d.attributes_transformations, d.skip_if_blank, d."values", d.default_values, d.provisioned_entitlements)
    FROM jsonb_populate_record(NULL::server_claims, p_doc) AS d
    WHERE c.id = p_id RETURNING c.* INTO v_new;
    PERFORM api.audit_change('claim.update', 'claim', p_id::text, api.claim_doc(v_old), api.claim_doc(v_new));
    RETURN p_id;
END
$$;

CREATE FUNCTION api.claim_delete(p_server bigint, p_id bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v server_claims;
BEGIN
    PERFORM api.server_lock(p_server);
    DELETE FROM server_claims WHERE id = p_id AND server_id = p_server RETURNING * INTO v;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no claim %', p_id USING ERRCODE = 'AZ404';
    END IF;
    PERFORM api.audit('claim.delete', 'claim', p_id::text, api.claim_doc(v), NULL);
    RETURN p_id;
END
$$;

-- Links an application to a server with scopes (p_create) or replaces the scopes of an
-- existing link. AZ404: no such application in the server's tenant, or (replace) no link;
-- AZ409: (create) already linked; AZ422 with DETAIL = the first scope id that is not one of
-- the server's.
CREATE FUNCTION api.client_set(p_server bigint, p_app bigint, p_scopes jsonb, p_create boolean)
    RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_bad bigint;
    v_linked boolean;
BEGIN
    PERFORM api.server_lock(p_server);
    PERFORM 1 FROM applications WHERE id = p_app AND tenant_id = api.current_tenant();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no application %', p_app USING ERRCODE = 'AZ404';
    END IF;
    SELECT min(w.id) INTO v_bad FROM (SELECT x::bigint AS id FROM jsonb_array_elements_text(p_scopes) AS x) w
    WHERE NOT EXISTS (SELECT 1 FROM server_scopes sc WHERE sc.id = w.id AND sc.server_id = p_server);
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'scope % is not the server''s', v_bad USING ERRCODE = 'AZ422', DETAIL = v_bad::text;
    END IF;
    v_linked := EXISTS (SELECT 1 FROM server_applications WHERE server_id = p_server AND application_id = p_app);
    IF p_create AND v_linked THEN
        RAISE EXCEPTION 'application % is linked already', p_app USING ERRCODE = 'AZ409';
    END IF;
    IF NOT p_create AND NOT v_linked THEN
        RAISE EXCEPTION 'application % is not linked', p_app USING ERRCODE = 'AZ404';
    END IF;
    IF p_create THEN
        INSERT INTO server_applications (server_id, application_id) VALUES (p_server, p_app);
    END IF;
    DELETE FROM server_application_scopes WHERE server_id = p_server AND application_id = p_app;
    INSERT INTO server_application_scopes (server_id, application_id, scope_id)
    SELECT DISTINCT p_server, p_app, x::bigint FROM jsonb_array_elements_text(p_scopes) AS x;
    PERFORM api.audit('client_app.set', 'client_app', p_server || ':' || p_app, NULL,
                      jsonb_build_object('scopes', p_scopes, 'created', p_create));
    RETURN p_app;
END
$$;

CREATE FUNCTION api.client_remove(p_server bigint, p_app bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM api.server_lock(p_server);
    DELETE FROM server_applications WHERE server_id = p_server AND application_id = p_app;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'application % is not linked', p_app USING ERRCODE = 'AZ404';
    END IF;
    PERFORM api.audit('client_app.delete', 'client_app', p_server || ':' || p_app, NULL, NULL);
    RETURN p_app;
END
$$;

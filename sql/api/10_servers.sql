-- Authorization servers as OneLogin's API Authorization writes them: the server row, its
-- configuration, audiences and grant types. A document (jsonb) carries the fields in the
-- model's names; its audited form is the same document without grant_types.

-- A server as OneLogin's reads return it: its configuration (joined LATERAL ... LIMIT 1 so
-- a generic plan still looks it up by key) and its audiences as a JSON array.
CREATE VIEW api.server_rows AS
SELECT s.id, s.tenant_id, s.name, s.name_key, s.description, c.resource_identifier,
       c.access_token_lifetime_minutes, c.refresh_token_lifetime_minutes,
       (SELECT coalesce(json_agg(a.audience ORDER BY a.position), '[]')
        FROM server_audiences a WHERE a.server_id = s.id)::text AS audiences,
       s.version
FROM servers s
JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true;

-- The stored server as the audit trail shows it (call it after taking the row lock, so
-- its snapshot is fresh).
CREATE FUNCTION api.server_doc(p_id bigint) RETURNS jsonb
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object(
            'name', s.name,
            'description', s.description,
            'resource_identifier', c.resource_identifier,
            'access_token_expiration_minutes', c.access_token_lifetime_minutes,
            'refresh_token_expiration_minutes', c.refresh_token_lifetime_minutes,
            'audiences', coalesce((SELECT jsonb_agg(a.audience ORDER BY a.position)
                                   FROM server_audiences a WHERE a.server_id = s.id), '[]'))
        FROM servers s JOIN server_configurations c ON c.server_id = s.id
        WHERE s.id = p_id
    );
END
$$;

-- Locks a server of the caller's tenant for writing; AZ404 if there is none.
CREATE FUNCTION api.server_lock(p_id bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM 1 FROM servers WHERE id = p_id AND tenant_id = api.require_tenant() FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no server %', p_id USING ERRCODE = 'AZ404';
    END IF;
END
$$;

CREATE FUNCTION api.server_set_audiences(p_id bigint, p_audiences jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    DELETE FROM server_audiences WHERE server_id = p_id;
    INSERT INTO server_audiences (server_id, audience, position)
    SELECT p_id, t.audience, t.ord - 1
    FROM jsonb_array_elements_text(p_audiences) WITH ORDINALITY AS t(audience, ord);
END
$$;

CREATE FUNCTION api.server_set_grant_types(p_id bigint, p_grant_types jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    DELETE FROM server_grant_types WHERE server_id = p_id;
    INSERT INTO server_grant_types (server_id, grant_type_id, position)
    SELECT p_id, g.id, t.ord - 1
    FROM jsonb_array_elements_text(p_grant_types) WITH ORDINALITY AS t(name, ord)
    JOIN grant_types g ON g.name = t.name;
END
$$;

CREATE FUNCTION api.server_create(p_doc jsonb) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_id bigint;
BEGIN
    INSERT INTO servers (tenant_id, name, description)
    VALUES (api.require_tenant(), p_doc ->> 'name', p_doc ->> 'description')
    RETURNING id INTO v_id;
    INSERT INTO server_configurations (server_id, resource_identifier,
        access_token_lifetime_minutes, refresh_token_lifetime_minutes)
    VALUES (v_id, p_doc ->> 'resource_identifier',
        (p_doc ->> 'access_token_expiration_minutes')::int,
        (p_doc ->> 'refresh_token_expiration_minutes')::int);
    PERFORM api.server_set_audiences(v_id, p_doc -> 'audiences');
    PERFORM api.server_set_grant_types(v_id, p_doc -> 'grant_types');
    PERFORM api.audit('server.create', 'server', v_id::text, NULL, p_doc - 'grant_types');
    RETURN v_id;
END
$$;

-- Replaces name, description, configuration and audiences (grant types stay).
CREATE FUNCTION api.server_replace(p_id bigint, p_doc jsonb) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_old jsonb;
BEGIN
    PERFORM api.server_lock(p_id);
    v_old := api.server_doc(p_id);
    UPDATE servers SET name = p_doc ->> 'name', description = p_doc ->> 'description',
        version = version + 1, updated_at = greatest(now(), created_at)
    WHERE id = p_id;
    -- what is already stored is not written again (no new row versions, index entries or
    -- WAL for it): v_old was read after the lock, so it is what the replace would overwrite
    UPDATE server_configurations SET resource_identifier = p_doc ->> 'resource_identifier',
        access_token_lifetime_minutes = (p_doc ->> 'access_token_expiration_minutes')::int,
        refresh_token_lifetime_minutes = (p_doc ->> 'refresh_token_expiration_minutes')::int
    WHERE server_id = p_id
      AND (resource_identifier, access_token_lifetime_minutes, refresh_token_lifetime_minutes)
          IS DISTINCT FROM (p_doc ->> 'resource_identifier', (p_doc ->> 'access_token_expiration_minutes')::int,
                            (p_doc ->> 'refresh_token_expiration_minutes')::int);
    IF v_old -> 'audiences' IS DISTINCT FROM p_doc -> 'audiences' THEN
        PERFORM api.server_set_audiences(p_id, p_doc -> 'audiences');
    END IF;
    PERFORM api.audit_change('server.update', 'server', p_id::text, v_old, p_doc - 'grant_types');
    RETURN p_id;
END
$$;

CREATE FUNCTION api.server_delete(p_id bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_old jsonb;
BEGIN
    PERFORM api.server_lock(p_id);
    v_old := api.server_doc(p_id);
    DELETE FROM servers WHERE id = p_id;
    PERFORM api.audit('server.delete', 'server', p_id::text, v_old, NULL);
    RETURN p_id;
END
$$;

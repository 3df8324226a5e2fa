-- Client applications of a tenant (OneLogin's /api/2/apps and Venafi's OAuth applications
-- are rows of one table) and their secrets (hashes only).

-- An application as every read and write returns it.
CREATE VIEW api.application_rows AS
SELECT a.id, a.tenant_id, a.uuid::text AS uuid, a.client_id, a.name, a.description, a.vendor, a.url,
       a.scope, a.maximum_scope, a.access_validity_seconds, a.grant_validity_seconds, a.renewable,
       api.us(a.created_at) AS created_us, api.us(a.updated_at) AS updated_us
FROM applications a;

CREATE FUNCTION api.application_doc(a applications) RETURNS jsonb
    LANGUAGE sql IMMUTABLE RETURN
    to_jsonb(a) - 'id' - 'tenant_id' - 'created_at' - 'updated_at' - 'uuid';

-- p_doc: client_id, name, description, vendor, url, scope, maximum_scope,
-- access_validity_seconds, grant_validity_seconds, renewable. p_secret_hash: the SHA-256
-- of its first secret, or NULL (a Venafi application has none). AZ409 when the tenant
-- already has an application with that client id.
CREATE FUNCTION api.application_create(p_doc jsonb, p_secret_hash bytea)
    RETURNS SETOF api.application_rows LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v applications;
BEGIN
    INSERT INTO applications (tenant_id, client_id, name, description, vendor, url, scope, maximum_scope,
        access_validity_seconds, grant_validity_seconds, renewable)
    SELECT api.require_tenant(), d.client_id, d.name, d.description, d.vendor, d.url, d.scope,
        d.maximum_scope, d.access_validity_seconds, d.grant_validity_seconds, d.renewable
    FROM jsonb_populate_record(NULL::applications, p_doc) AS d
    ON CONFLICT (tenant_id, client_id) DO NOTHING
    RETURNING * INTO v;
    IF v.id IS NULL THEN
        RAISE EXCEPTION 'client id % is taken', p_doc ->> 'client_id' USING ERRCODE = 'AZ409';
    END IF;
    IF p_secret_hash IS NOT NULL THEN
        INSERT INTO application_secrets (application_id, secret_hash) VALUES (v.id, p_secret_hash);
    END IF;
    PERFORM api.audit('application.create', 'application', v.id::text, NULL, api.application_doc(v));
    RETURN QUERY SELECT * FROM api.application_rows r WHERE r.id = v.id;
END
$$;

-- Locks an application of the caller's tenant, by id or (p_id NULL) by client id.
CREATE FUNCTION api.application_lock(p_id bigint, p_client_id text) RETURNS applications
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v applications;
BEGIN
    SELECT * INTO v FROM applications a
    WHERE a.tenant_id = api.require_tenant()
      AND (a.id = p_id OR (p_id IS NULL AND a.client_id = p_client_id))
    FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no application %', coalesce(p_id::text, p_client_id) USING ERRCODE = 'AZ404';
    END IF;
    RETURN v;
END
$$;

-- Replaces the fields p_doc names (OneLogin's update names only name and description;
-- Venafi's UpdateApplication names every field). The client id never changes.
CREATE FUNCTION api.application_update(p_id bigint, p_client_id text, p_doc jsonb)
    RETURNS SETOF api.application_rows LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_old applications := api.application_lock(p_id, p_client_id);
    v_new applications;
BEGIN
    -- re-read after the lock: its snapshot is fresh
    SELECT * INTO v_old FROM applications WHERE id = v_old.id;
    v_new := jsonb_populate_record(v_old, p_doc - 'client_id' - 'id' - 'tenant_id' - 'uuid');
    UPDATE applications SET name = v_new.name, description = v_new.description, vendor = v_new.vendor,
        url = v_new.url, scope = v_new.scope, maximum_scope = v_new.maximum_scope,
        access_validity_seconds = v_new.access_validity_seconds,
        grant_validity_seconds = v_new.grant_validity_seconds, renewable = v_new.renewable,
        updated_at = greatest(now(), created_at)
    WHERE id = v_old.id RETURNING * INTO v_new;
    PERFORM api.audit_change('application.update', 'application', v_old.id::text,
                             api.application_doc(v_old), api.application_doc(v_new));
    RETURN QUERY SELECT * FROM api.application_rows r WHERE r.id = v_old.id;
END
$$;

-- Deletes an application with its secrets, links and grants (and so their tokens).
CREATE FUNCTION api.application_delete(p_id bigint, p_client_id text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v applications := api.application_lock(p_id, p_client_id);
BEGIN
    SELECT * INTO v FROM applications WHERE id = v.id;
    DELETE FROM applications WHERE id = v.id;
    PERFORM api.audit('application.delete', 'application', v.id::text, api.application_doc(v), NULL);
    RETURN v.id;
END
$$;

-- Venafi RevokeGrants: every live grant of the application ends, with all its tokens.
-- Returns how many grants were revoked; AZ404 if the tenant has no such application.
CREATE FUNCTION api.application_revoke_grants(p_client_id text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v applications := api.application_lock(NULL, p_client_id);
    v_count bigint;
BEGIN
    WITH g AS (
        UPDATE grants SET revoked_at = now()
        WHERE application_id = v.id AND revoked_at IS NULL RETURNING id
    ), t AS (
        UPDATE grant_tokens gt SET revoked_at = now() FROM g
        WHERE gt.grant_id = g.id AND gt.revoked_at IS NULL
    )
    SELECT count(*) INTO v_count FROM g;
    PERFORM api.audit('grant.revoke', 'application', p_client_id, NULL, jsonb_build_object('grants', v_count));
    RETURN v_count;
END
$$;

-- The authzd-native management API (/api/authzd/v1, what the console needs and no vendor
-- dialect has): an application's secrets added and retired. Reads are statements in
-- src/db/sql (audit_list, caller_me, app_secret_list, server_keys, token_preview).

-- A new secret, its SHA-256 p_hash, for application p_app of the caller's tenant. The
-- application's older secrets keep working until they are retired, so a client can move
-- to the new one first. AZ404 if the tenant has no such application.
CREATE FUNCTION api.application_secret_add(p_app bigint, p_hash bytea)
    RETURNS TABLE (id bigint, created_us bigint) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v applications := api.application_lock(p_app, NULL);
    s application_secrets;
BEGIN
    INSERT INTO application_secrets (application_id, secret_hash) VALUES (v.id, p_hash) RETURNING * INTO s;
    PERFORM api.audit('application.secret.add', 'application', v.id::text, NULL,
                      jsonb_build_object('secret_id', s.id));
    RETURN QUERY SELECT s.id, api.us(s.created_at);
END
$$;

-- Retires (deletes) secret p_secret of application p_app: it stops working at once (a
-- worker's grant cache aside). The last secret of an application cannot be retired
-- (AZ409): under the application's lock, so of two writers retiring its last two secrets
-- exactly one wins. AZ404 for an application or secret the tenant does not have.
CREATE FUNCTION api.application_secret_retire(p_app bigint, p_secret bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v applications := api.application_lock(p_app, NULL);
    s application_secrets;
BEGIN
    SELECT * INTO s FROM application_secrets x WHERE x.id = p_secret AND x.application_id = v.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no secret % of application %', p_secret, v.id USING ERRCODE = 'AZ404';
    END IF;
    IF (SELECT count(*) FROM application_secrets x WHERE x.application_id = v.id) <= 1 THEN
        RAISE EXCEPTION 'secret % is the last of application %', p_secret, v.id USING ERRCODE = 'AZ409';
    END IF;
    DELETE FROM application_secrets x WHERE x.id = s.id;
    PERFORM api.audit('application.secret.retire', 'application', v.id::text,
                      jsonb_build_object('secret_id', s.id), NULL);
    RETURN s.id;
END
$$;

-- A page of a service's servers ($1..$3 the triple), ordered by name: $5 at most, after
-- skipping $6. $4 is the $filter, already parsed and unpacked by db_azure.c:
--   {"name": {"eq": [...], "ne": [...], "gt", "lt", "ge", "le", "like": [LIKE patterns]},
--    "displayName": {...}}; names and values compare lower-cased, and every clause must
-- hold for all its values (an empty array holds). The service row comes first (LEFT JOIN): no row at all
-- means no such service; a row with a NULL id, a service with nothing on this page. Each
-- server's lists are correlated subqueries, each an index lookup: the generic plan (one row
-- expected everywhere) once joined page-wide aggregates with a filter, 50 x 50 rows a page.
WITH svc AS (
    SELECT * FROM api.azure_service_lookup($1::text, $2::text, $3::text)
), flt AS (
    SELECT $4::jsonb = '{}'::jsonb AS none,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{name,eq}') AS v) AS n_eq,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{name,ne}') AS v) AS n_ne,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{name,gt}') AS v) AS n_gt,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{name,lt}') AS v) AS n_lt,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{name,ge}') AS v) AS n_ge,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{name,le}') AS v) AS n_le,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{name,like}') AS v) AS n_like,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{displayName,eq}') AS v) AS d_eq,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{displayName,ne}') AS v) AS d_ne,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{displayName,gt}') AS v) AS d_gt,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{displayName,lt}') AS v) AS d_lt,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{displayName,ge}') AS v) AS d_ge,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{displayName,le}') AS v) AS d_le,
           ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{displayName,like}') AS v) AS d_like
), f AS NOT MATERIALIZED (
    -- the stored keys (sql/0010_list_keys.sql): lower() once per write, not per row here;
    -- without a $filter, one test a row instead of fourteen
    SELECT s.id, s.resource_key
    FROM svc JOIN servers s ON s.azure_service_id = svc.id, flt
    WHERE flt.none OR (s.resource_key = ALL (flt.n_eq) AND s.resource_key <> ALL (flt.n_ne)
      AND s.resource_key > ALL (flt.n_gt) AND s.resource_key < ALL (flt.n_lt)
      AND s.resource_key >= ALL (flt.n_ge) AND s.resource_key <= ALL (flt.n_le)
      AND s.resource_key LIKE ALL (flt.n_like)
      AND s.name_key = ALL (flt.d_eq) AND s.name_key <> ALL (flt.d_ne)
      AND s.name_key > ALL (flt.d_gt) AND s.name_key < ALL (flt.d_lt)
      AND s.name_key >= ALL (flt.d_ge) AND s.name_key <= ALL (flt.d_le)
      AND s.name_key LIKE ALL (flt.d_like))
), page AS (
    -- the keys come from servers_azure_page_idx (index-only); the generic plan still sorts
    -- the service's keys for the page (a top-N heapsort), but with no lower() left in it
    SELECT id FROM f ORDER BY resource_key, id LIMIT $5::int OFFSET $6::int
)
SELECT (SELECT count(*) FROM f) AS total,
       svc.subscription_id, svc.resource_group, svc.service_name, srv.*
FROM svc LEFT JOIN LATERAL (
    SELECT s.id, s.resource_name, s.resource_key, s.name, s.description, s.version,
           c.client_registration_endpoint, c.authorization_endpoint, c.token_endpoint, c.client_id,
           c.default_scope, c.support_state, c.use_in_test_console, c.use_in_api_documentation,
           (SELECT coalesce(json_agg(g.name ORDER BY sg.position), '[]')
            FROM server_grant_types sg JOIN grant_types g ON g.id = sg.grant_type_id
            WHERE sg.server_id = s.id)::text AS grant_types,
           (SELECT coalesce(json_agg(m.method ORDER BY m.position), '[]')
            FROM server_authorization_methods m WHERE m.server_id = s.id)::text AS authorization_methods,
           (SELECT coalesce(json_agg(m.method ORDER BY m.position), '[]')
            FROM server_client_authentication_methods m WHERE m.server_id = s.id)::text
               AS client_authentication_methods,
           (SELECT coalesce(json_agg(m.method ORDER BY m.position), '[]')
            FROM server_bearer_token_sending_methods m WHERE m.server_id = s.id)::text
               AS bearer_token_sending_methods,
           (SELECT coalesce(json_agg(json_build_object('name', p.name, 'value', p.value) ORDER BY p.position), '[]')
            FROM server_token_body_parameters p WHERE p.server_id = s.id)::text AS token_body_parameters
    FROM page JOIN servers s ON s.id = page.id
    JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true
) AS srv ON true
ORDER BY srv.resource_key, srv.id

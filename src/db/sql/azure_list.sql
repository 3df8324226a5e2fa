-- A page of a service's servers ($1..$3 the triple), ordered by name: $5 at most, after
-- skipping $6. $4 is the $filter, already parsed and unpacked by db_azure.c:
--   {"name": {"eq": [...], "ne": [...], "gt", "lt", "ge", "le", "like": [LIKE patterns]},
--    "displayName": {...}}; names and values compare lower-cased, and every clause must
-- hold for all its values (an empty array holds). The service row comes first (LEFT JOIN): no row at all
-- means no such service; a row with a NULL id, a service with nothing on this page. Each
-- list is aggregated once for the page, not once per server.
WITH svc AS (
    SELECT * FROM api.azure_service_lookup($1::text, $2::text, $3::text)
), flt AS (
    SELECT ARRAY(SELECT lower(v) FROM jsonb_array_elements_text($4::jsonb #> '{name,eq}') AS v) AS n_eq,
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
), f AS (
    SELECT s.id, s.resource_name
    FROM svc JOIN servers s ON s.azure_service_id = svc.id, flt
    WHERE lower(s.resource_name) = ALL (flt.n_eq) AND lower(s.resource_name) <> ALL (flt.n_ne)
      AND lower(s.resource_name) COLLATE "C" > ALL (flt.n_gt) AND lower(s.resource_name) COLLATE "C" < ALL (flt.n_lt)
      AND lower(s.resource_name) COLLATE "C" >= ALL (flt.n_ge) AND lower(s.resource_name) COLLATE "C" <= ALL (flt.n_le)
      AND lower(s.resource_name) LIKE ALL (flt.n_like)
      AND lower(s.name) = ALL (flt.d_eq) AND lower(s.name) <> ALL (flt.d_ne)
      AND lower(s.name) COLLATE "C" > ALL (flt.d_gt) AND lower(s.name) COLLATE "C" < ALL (flt.d_lt)
      AND lower(s.name) COLLATE "C" >= ALL (flt.d_ge) AND lower(s.name) COLLATE "C" <= ALL (flt.d_le)
      AND lower(s.name) LIKE ALL (flt.d_like)
), page AS (
    SELECT id FROM f ORDER BY lower(resource_name) COLLATE "C", id LIMIT $5::int OFFSET $6::int
), gt AS (
    SELECT sg.server_id, json_agg(g.name ORDER BY sg.position) AS v
    FROM page JOIN server_grant_types sg ON sg.server_id = page.id JOIN grant_types g ON g.id = sg.grant_type_id
    GROUP BY sg.server_id
), am AS (
    SELECT m.server_id, json_agg(m.method ORDER BY m.position) AS v
    FROM page JOIN server_authorization_methods m ON m.server_id = page.id GROUP BY m.server_id
), ca AS (
    SELECT m.server_id, json_agg(m.method ORDER BY m.position) AS v
    FROM page JOIN server_client_authentication_methods m ON m.server_id = page.id GROUP BY m.server_id
), bt AS (
    SELECT m.server_id, json_agg(m.method ORDER BY m.position) AS v
    FROM page JOIN server_bearer_token_sending_methods m ON m.server_id = page.id GROUP BY m.server_id
), tp AS (
    SELECT p.server_id, json_agg(json_build_object('name', p.name, 'value', p.value) ORDER BY p.position) AS v
    FROM page JOIN server_token_body_parameters p ON p.server_id = page.id GROUP BY p.server_id
)
SELECT (SELECT count(*) FROM f) AS total,
       svc.subscription_id, svc.resource_group, svc.service_name, srv.*
FROM svc LEFT JOIN LATERAL (
    SELECT s.id, s.resource_name, s.name, s.description, s.version,
           c.client_registration_endpoint, c.authorization_endpoint, c.token_endpoint, c.client_id,
           c.default_scope, c.support_state, c.use_in_test_console, c.use_in_api_documentation,
           coalesce(gt.v, '[]')::text AS grant_types, coalesce(am.v, '[]')::text AS authorization_methods,
           coalesce(ca.v, '[]')::text AS client_authentication_methods,
           coalesce(bt.v, '[]')::text AS bearer_token_sending_methods,
           coalesce(tp.v, '[]')::text AS token_body_parameters
    FROM page JOIN servers s ON s.id = page.id
    JOIN LATERAL (SELECT * FROM server_configurations c WHERE c.server_id = s.id LIMIT 1) AS c ON true
    LEFT JOIN gt ON gt.server_id = s.id LEFT JOIN am ON am.server_id = s.id
    LEFT JOIN ca ON ca.server_id = s.id LEFT JOIN bt ON bt.server_id = s.id
    LEFT JOIN tp ON tp.server_id = s.id
) AS srv ON true
ORDER BY lower(srv.resource_name) COLLATE "C", srv.id

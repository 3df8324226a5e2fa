-- Links application $2 to server $1 with scope ids $3 (a JSON array), or ($4 false)
-- replaces the scopes of its link.
SELECT api.client_set($1::bigint, $2::bigint, $3::jsonb, $4::boolean) AS application_id

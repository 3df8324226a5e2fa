-- A scope ($2 value, $3 description) on server $1.
SELECT api.scope_create($1::bigint, $2::text, $3::text) AS id

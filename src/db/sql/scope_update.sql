-- Replaces scope $2 of server $1 with $3 value, $4 description.
SELECT api.scope_update($1::bigint, $2::bigint, $3::text, $4::text) AS id

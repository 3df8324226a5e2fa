-- Replaces claim $2 of server $1 with document $3.
SELECT api.claim_update($1::bigint, $2::bigint, $3::jsonb) AS id

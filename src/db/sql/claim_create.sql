-- A claim on server $1 from its document $2.
SELECT api.claim_create($1::bigint, $2::jsonb) AS id

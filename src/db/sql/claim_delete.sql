-- Deletes claim $2 of server $1.
SELECT api.claim_delete($1::bigint, $2::bigint) AS id

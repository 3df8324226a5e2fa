-- Unlinks application $2 from server $1.
SELECT api.client_remove($1::bigint, $2::bigint) AS application_id

-- Replaces server $1 with document $2 (AZ404 if the caller has no such server).
SELECT api.server_replace($1::bigint, $2::jsonb) AS id

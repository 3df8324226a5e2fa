-- Deletes server $1 with everything hanging off it (AZ404 if none).
SELECT api.server_delete($1::bigint) AS id

-- Deletes application $1 (or, $1 NULL, client id $2) with its secrets, links and grants.
SELECT api.application_delete($1::bigint, $2::text) AS id

-- Replaces the fields document $3 names of application $1 (or, $1 NULL, of client id $2).
SELECT * FROM api.application_update($1::bigint, $2::text, $3::jsonb)

-- A new application from its document ($1) with the hash of its first secret ($2, or NULL).
SELECT * FROM api.application_create($1::jsonb, $2::bytea)

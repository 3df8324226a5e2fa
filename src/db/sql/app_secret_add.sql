-- A new secret for application $1 of the caller's tenant from its SHA-256 ($2): its id and
-- creation time.
SELECT id, created_us FROM api.application_secret_add($1::bigint, $2::bytea)

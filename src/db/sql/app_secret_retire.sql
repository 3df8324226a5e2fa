-- Retires secret $2 of application $1 of the caller's tenant; returns its id.
SELECT api.application_secret_retire($1::bigint, $2::bigint) AS id

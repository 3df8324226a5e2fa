-- Revokes every grant of the application with client id $1; returns how many.
SELECT api.application_revoke_grants($1::text) AS revoked

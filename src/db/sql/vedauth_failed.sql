-- Counts a failed password for username $1 of the caller's tenant.
SELECT api.vedauth_failed($1::text) AS failures

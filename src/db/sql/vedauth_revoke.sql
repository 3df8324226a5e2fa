-- Ends the grant of live access token $1.
SELECT api.vedauth_revoke($1::bytea) AS grant_id

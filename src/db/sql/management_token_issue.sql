-- POST /auth/oauth2/v2/token: client $1 with secret hash $2 gets access and refresh token
-- hashes $3, $4 (lifetime: the credential's, else $5 seconds).
SELECT * FROM api.management_token_issue($1::text, $2::bytea, $3::bytea, $4::bytea, $5::int)

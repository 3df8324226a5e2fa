-- POST /auth/oauth2/revoke: client $1 with secret hash $2 revokes its token $3.
SELECT * FROM api.management_token_revoke($1::text, $2::bytea, $3::bytea)

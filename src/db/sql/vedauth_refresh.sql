-- Rotates refresh token $2 of client $1: new access $3 and refresh $4 hashes.
SELECT * FROM api.vedauth_refresh($1::text, $2::bytea, $3::bytea, $4::bytea)

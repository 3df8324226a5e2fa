-- A grant of application $1 to identity $2 (username $3) with scope $4 (names $5) and its
-- tokens' hashes: $6 access, $7 refresh (NULL when not renewable).
SELECT * FROM api.vedauth_grant($1::bigint, $2::bigint, $3::text, $4::text, $5::text[], $6::bytea, $7::bytea)

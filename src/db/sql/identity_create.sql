-- authzctl identities create: tenant $1, username $2, Argon2id hash $3, maximum scope $4.
SELECT api.identity_create($1::text, $2::text, $3::text, $4::text) AS universal

-- authzctl identities disable: tenant $1, username $2.
SELECT api.identity_disable($1::text, $2::text) AS universal

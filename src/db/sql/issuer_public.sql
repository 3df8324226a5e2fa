-- What the issuer of server $1 (NULL: of the tenant of host $2) publishes: JWKS, metadata.
SELECT found, tenant_id, issuer_id, keys::text AS keys, algs::text AS algs, scopes::text AS scopes,
       client_credentials, tenant_host
FROM api.issuer_public($1::bigint, $2::text)

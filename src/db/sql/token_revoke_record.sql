-- A revocation in issuer $1 of jti $2 (client $3) until $4 microseconds since the epoch.
SELECT api.token_revoke_record($1::bigint, $2::text, $3::text, to_timestamp($4::bigint / 1e6))

-- A client ($2) of tenant $1 failed to authenticate at the token endpoint: counted toward its
-- throttle, and audited.
SELECT api.token_client_failed($1::bigint, $2::text)

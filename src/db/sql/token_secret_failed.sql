-- Server $1's own client $2 sent a wrong secret: counted toward its throttle.
SELECT api.token_secret_failed($1::bigint, $2::text)

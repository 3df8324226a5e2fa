-- A worker's counts of issued tokens, added to token_issuance_daily: parallel arrays of
-- server ids ($1), UTC days ($2), algorithms ($3) and counts ($4), one element per row,
-- each (server, day, algorithm) at most once.
INSERT INTO token_issuance_daily AS d (server_id, day, alg, count)
SELECT * FROM unnest($1::bigint[], $2::date[], $3::text[], $4::bigint[])
ON CONFLICT (server_id, day, alg) DO UPDATE SET count = d.count + EXCLUDED.count

-- A new server from its document ($1): see sql/api/10_servers.sql.
SELECT api.server_create($1::jsonb) AS id

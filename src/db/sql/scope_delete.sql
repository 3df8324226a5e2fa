-- Deletes scope $2 of server $1; it leaves every client app.
SELECT api.scope_delete($1::bigint, $2::bigint) AS id

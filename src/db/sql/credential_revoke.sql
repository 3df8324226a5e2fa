-- authzctl credentials revoke CLIENT_ID: its tokens stop working at once.
SELECT api.credential_revoke($1::text) AS id

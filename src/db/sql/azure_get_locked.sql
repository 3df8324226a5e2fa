-- PATCH's read inside its transaction: the server ($1..$3 the triple, $4 the name), locked.
SELECT * FROM api.azure_get_locked($1::text, $2::text, $3::text, $4::text)

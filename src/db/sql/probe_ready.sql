-- Readiness: the schema's migration level, the highest version in schema_migrations (one
-- backward step of its primary key; the benchmark's R3 ceiling). Also the statement a caller
-- is checked with on its own (db_caller_check), which ignores the row.
SELECT max(version) AS migration FROM schema_migrations

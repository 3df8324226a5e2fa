-- Readiness: the schema is there (one primary-key lookup; the benchmark's R3 ceiling).
SELECT 1 AS ready FROM schema_migrations WHERE version = '0001'

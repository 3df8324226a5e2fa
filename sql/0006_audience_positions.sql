-- The deferred UNIQUE (server_id, position) on server_audiences queued a constraint check
-- per written row, on every create and update. Statements always write a server's whole
-- audience list with positions 0..n-1, so the primary key (server_id, audience) is what
-- needs enforcing; position only orders (the key already finds a server's rows).
ALTER TABLE server_audiences DROP CONSTRAINT server_audiences_position_key;

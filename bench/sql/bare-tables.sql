-- The bare baseline of pgbench (b): the same users and data in a plain copy of the table
-- (columns, defaults, constraints and indexes, but no triggers: LIKE never copies them) and
-- a plain history table, so (a) ÷ (b) is what the guards and history triggers cost.
CREATE TABLE bench_bare_users (LIKE users INCLUDING ALL);
-- LIKE copies no storage parameters: the copy gets the users table's own (its fillfactor,
-- V16__users_fillfactor.sql), so both fill their pages alike.
DO $copy$
DECLARE
    parameters text := (SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = 'users'::regclass);
BEGIN
    IF parameters IS NOT NULL THEN
        EXECUTE format('ALTER TABLE bench_bare_users SET (%s)', parameters);
    END IF;
END $copy$;
INSERT INTO bench_bare_users OVERRIDING SYSTEM VALUE SELECT * FROM users;
CREATE TABLE bench_bare_changes (
    user_id bigint      NOT NULL,
    version bigint      NOT NULL,
    at      timestamptz NOT NULL,
    changes jsonb       NOT NULL,
    PRIMARY KEY (user_id, version)
);
-- One create entry per user, as history capture writes for the seeded rows.
INSERT INTO bench_bare_changes (user_id, version, at, changes)
SELECT id, version, created_at, jsonb_build_array(jsonb_build_object('op', 'add', 'path', '', 'value', data))
  FROM bench_bare_users;
VACUUM ANALYZE bench_bare_users;
VACUUM ANALYZE bench_bare_changes;

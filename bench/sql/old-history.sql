-- Users with long histories recorded long ago, for measuring history compaction
-- (bench/compaction-run). psql variables: users (per cohort), versions (per user), cohorts.
-- Cohort k (0, 1, 2, ...) holds users k*users+1 .. (k+1)*users, whose versions were all made
-- 1000 - 100*k days ago, one second apart: a retention of 950d compacts cohort 0 only, 850d
-- cohorts 0 and 1, and so on, each run over users * versions entries.
--
-- The rows are loaded as the capture trigger would have written them (a snapshot on version 1
-- and every 100th, one replace of /data/n per version), with triggers off, since the triggers
-- would stamp every entry with the time of loading. Needs a superuser. Bench only.
SET session_replication_role = replica;

CREATE TEMP TABLE bench_user AS
SELECT g AS id, now() - make_interval(days => 1000 - 100 * ((g - 1) / :users)) AS born
  FROM generate_series(1, :users * :cohorts) AS g;

INSERT INTO users (id, name, email, data, version, created_at, updated_at)
SELECT u.id, 'User ' || u.id, 'user' || u.id || '@example.com',
       jsonb_build_object('phone', '+14155550000', 'n', :versions), :versions,
       u.born, u.born + make_interval(secs => :versions)
  FROM bench_user AS u;

INSERT INTO user_changes (user_id, version, at, actor, request_id, source, op, changes, undo, snapshot)
SELECT u.id, v, u.born + make_interval(secs => v), 'sql:bench', NULL, 'sql',
       CASE WHEN v = 1 THEN 'create' ELSE 'update' END,
       CASE WHEN v = 1 THEN jsonb_build_array(jsonb_build_object('op', 'replace', 'path', '', 'value', s.state))
            ELSE jsonb_build_array(jsonb_build_object('op', 'replace', 'path', '/data/n', 'value', v)) END,
       CASE WHEN v = 1 THEN '[{"op": "replace", "path": "", "value": null}]'::jsonb
            ELSE jsonb_build_array(jsonb_build_object('op', 'replace', 'path', '/data/n', 'value', v - 1)) END,
       CASE WHEN v = 1 OR v % 100 = 0 THEN s.state END
  FROM bench_user AS u
 CROSS JOIN generate_series(1, :versions) AS v
 CROSS JOIN LATERAL (SELECT jsonb_build_object('name', 'User ' || u.id, 'email', 'user' || u.id || '@example.com',
                                               'data', jsonb_build_object('phone', '+14155550000', 'n', v),
                                               'deleted', false) AS state) AS s;

RESET session_replication_role;
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
ANALYZE users;
ANALYZE user_changes;

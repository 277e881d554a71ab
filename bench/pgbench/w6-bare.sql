-- W6 (b): change one string key of a random wide user (10,000 keys, bench/sql/wide-users.sql)
-- with nothing in between: the plain UPDATE and history INSERT of w1-bare.sql.
\set id random(:users + 1, :users + :wide_users)
\set key 10 * random(0, 999) + random(1, 9)
\set value random(1, 1000000)
WITH changed AS (
    UPDATE bench_bare_users
       SET data = data || jsonb_build_object('k' || lpad(:key::text, 5, '0'), 'changed ' || :value::text),
           version = version + 1,
           updated_at = now()
     WHERE id = :id
    RETURNING id, version, data
), recorded AS (
    INSERT INTO bench_bare_changes (user_id, version, at, changes)
    SELECT id, version, now(),
           jsonb_build_array(jsonb_build_object('op', 'replace', 'path', '/data/k' || lpad(:key::text, 5, '0'),
                                                'value', data -> ('k' || lpad(:key::text, 5, '0'))))
      FROM changed
)
SELECT id, version, data FROM changed;

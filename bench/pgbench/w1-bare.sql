-- W1 (b): change data.phone of a random user with nothing in between: one statement that
-- updates a plain copy of users (no triggers) and appends the change to a plain history table.
\set id random(1, :users)
\set phone random(1000, 9999)
WITH changed AS (
    UPDATE bench_bare_users
       SET data = data || ('{"phone": "+1415555' || :phone::text || '"}')::jsonb,
           version = version + 1,
           updated_at = now()
     WHERE id = :id
    RETURNING id, version, data
), recorded AS (
    INSERT INTO bench_bare_changes (user_id, version, at, changes)
    SELECT id, version, now(),
           jsonb_build_array(jsonb_build_object('op', 'replace', 'path', '/data/phone', 'value', data -> 'phone'))
      FROM changed
)
SELECT id, version, data FROM changed;

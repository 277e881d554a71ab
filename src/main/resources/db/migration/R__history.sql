-- History capture: every INSERT, UPDATE and DELETE on users, whoever makes it (the service, an
-- ORM, a script, psql), is recorded by the database itself as a diff in user_changes.
-- docs/history.md is the operator's manual. The table is created by V3__history.sql.
-- Repeatable: Flyway runs this file again whenever it changes, after every versioned
-- migration, so each statement replaces in place.
--
-- A user's "state" is the document {"name", "email", "data", "deleted"} (deleted: a boolean,
-- true once deleted_at is set), or JSON null when there is no row (before the first INSERT,
-- after a hard DELETE). Each entry holds RFC 6902 operations both ways between the state before
-- and after it, plus a full snapshot now and then, so any version can be rebuilt from the
-- nearest snapshot at or before it with at most 99 steps forward.
--
-- The triggers that call these functions are declared in R__users.sql, in firing order:
-- users_40_write records an UPDATE, users_50_history an INSERT or DELETE, and
-- users_95_history_truncate a delete per row of a confirmed TRUNCATE.

-- The state of a user row as history describes it. STABLE, as jsonb_build_object is.
CREATE OR REPLACE FUNCTION custodian_history_state(u users) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('name', u.name, 'email', u.email, 'data', u.data,
                              'deleted', u.deleted_at IS NOT NULL)
$$;

-- One replace operation at path; the building block of the trigger's diffs.
CREATE OR REPLACE FUNCTION custodian_history_replace(path text, value jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('op', 'replace', 'path', path, 'value', value)
$$;

-- The one operation that turns the member at path from was into now (SQL NULL: absent): add,
-- remove or replace. Its undo is the same function the other way: (now, was). Inlined where
-- it is used.
CREATE OR REPLACE FUNCTION custodian_history_op(was jsonb, now jsonb, path text) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN was IS NULL THEN jsonb_build_object('op', 'add', 'path', path, 'value', now)
                WHEN now IS NULL THEN jsonb_build_object('op', 'remove', 'path', path)
                ELSE custodian_history_replace(path, now) END
$$;

-- The RFC 6902 operations between two JSON values, both ways: changes turn old into new, undo
-- turns new back into old. Objects are compared key by key at every depth; arrays and scalars
-- that differ are replaced whole. Paths start at "at" (for example '/data'), and keys are
-- escaped as RFC 6901 section 4 says: '~' becomes '~0', then '/' becomes '~1'.
--
-- Cost grows with the documents once and with the change otherwise: one query walks the keys
-- of both objects in C and aggregates the operations of the members that differ, in key order;
-- only a member that is an object on both sides is diffed again, deeper. Both documents are read into memory once first
-- (custodian_in_memory), not at every -> (measured: a one-key change of a 10,000-key document
-- took half a second that way).
-- Operators can call it too:  SELECT * FROM custodian_history_diff(a.data, b.data, '/data');
CREATE OR REPLACE FUNCTION custodian_history_diff(old jsonb, new jsonb, at text DEFAULT '',
                                                  OUT changes jsonb, OUT undo jsonb)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    IF old IS NOT DISTINCT FROM new THEN
        changes := '[]';
        undo := '[]';
        RETURN;
    END IF;
    IF jsonb_typeof(old) IS DISTINCT FROM 'object' OR jsonb_typeof(new) IS DISTINCT FROM 'object' THEN
        changes := jsonb_build_array(custodian_history_replace(at, new));
        undo := jsonb_build_array(custodian_history_replace(at, old));
        RETURN;
    END IF;
    old := custodian_in_memory(old);
    new := custodian_in_memory(new);
    -- One element per member that differs, in key order: an operation, or for two objects the
    -- array of their own operations, which the lax JSON path "$[*][*]" flattens in place.
    SELECT jsonb_path_query_array(coalesce(jsonb_agg(coalesce(m.inner_diff -> 0, custodian_history_op(m.was, m.now, m.path))
                                                     ORDER BY m.n), '[]'), 'lax $[*][*]'),
           jsonb_path_query_array(coalesce(jsonb_agg(coalesce(m.inner_diff -> 1, custodian_history_op(m.now, m.was, m.path))
                                                     ORDER BY m.n), '[]'), 'lax $[*][*]')
      INTO changes, undo
      FROM (SELECT d.*, CASE WHEN jsonb_typeof(d.was) = 'object' AND jsonb_typeof(d.now) = 'object'
                             THEN (SELECT jsonb_build_array(i.changes, i.undo)
                                     FROM custodian_history_diff(d.was, d.now, d.path) AS i) END AS inner_diff
              FROM (SELECT k.n, old -> k.key AS was, new -> k.key AS now,
                           at || '/' || custodian_pointer_token(k.key) AS path
                      FROM jsonb_object_keys(old || new) WITH ORDINALITY AS k(key, n)
                     WHERE (old -> k.key) IS DISTINCT FROM (new -> k.key)) AS d) AS m;
END $$;

COMMENT ON FUNCTION custodian_history_diff(jsonb, jsonb, text) IS
    'RFC 6902 operations from old to new (changes) and back (undo); objects key by key, arrays and scalars whole. See docs/history.md.';

-- Who made a change, as history records it: custodian.actor when the transaction declared it
-- (the service declares token:<name>), else the database role. One place for both columns.
CREATE OR REPLACE FUNCTION custodian_change_actor() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(nullif(current_setting('custodian.actor', true), ''), 'sql:' || current_user)
$$;

CREATE OR REPLACE FUNCTION custodian_change_source() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN nullif(current_setting('custodian.actor', true), '') IS NULL THEN 'sql' ELSE 'api' END
$$;

-- Appends one entry to user_changes with the transaction's context (SET LOCAL custodian.*,
-- read with current_setting(name, true): unset reads as NULL, and a setting a finished
-- transaction set locally reads as '' afterwards, hence nullif). custodian.op, when declared,
-- names the operation (revert, rollback, restore, replace); otherwise default_op does.
CREATE OR REPLACE FUNCTION custodian_history_append(user_id bigint, version bigint, at timestamptz,
                                                    default_op text, changes jsonb, undo jsonb,
                                                    snapshot jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_changes (user_id, version, at, actor, request_id, source, op, changes, undo, snapshot)
    VALUES (user_id, version, at, custodian_change_actor(),
            nullif(current_setting('custodian.request_id', true), ''), custodian_change_source(),
            coalesce(nullif(current_setting('custodian.op', true), ''), default_op),
            changes, undo, snapshot);
END $$;

-- The capture of INSERT and DELETE (users_50_history); UPDATEs are recorded by the write
-- trigger users_40_write, which has the diff at hand. A created user's entry holds its whole
-- state; a deleted one's undo holds everything needed to bring it back.
CREATE OR REPLACE FUNCTION custodian_history_record() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    state jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        state := custodian_history_state(NEW);
        PERFORM custodian_history_append(NEW.id, NEW.version, NEW.updated_at, 'create',
                                         jsonb_build_array(custodian_history_replace('', state)),
                                         jsonb_build_array(custodian_history_replace('', 'null')), state);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM custodian_history_append(OLD.id, OLD.version + 1, now(), 'delete',
                                         jsonb_build_array(custodian_history_replace('', 'null')),
                                         jsonb_build_array(custodian_history_replace('', custodian_history_state(OLD))),
                                         'null');
    ELSE
        RAISE EXCEPTION 'custodian_history_record records INSERT and DELETE; users_40_write records UPDATE';
    END IF;
    RETURN NULL;
END $$;

-- TRUNCATE fires no row triggers: a confirmed one records a delete for every row, so each
-- user can still be brought back.
CREATE OR REPLACE FUNCTION custodian_history_record_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_changes (user_id, version, at, actor, request_id, source, op, changes, undo, snapshot)
    SELECT u.id, u.version + 1, now(), custodian_change_actor(),
           nullif(current_setting('custodian.request_id', true), ''), custodian_change_source(),
           coalesce(nullif(current_setting('custodian.op', true), ''), 'delete'),
           jsonb_build_array(custodian_history_replace('', 'null')),
           jsonb_build_array(custodian_history_replace('', custodian_history_state(u))),
           'null'
      FROM users AS u;
    RETURN NULL;
END $$;

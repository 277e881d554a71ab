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
-- Triggers on users, in the order PostgreSQL fires them (by kind, then by name):
--   BEFORE ROW       users_10_keep_version   version and updated_at (R__users.sql)
--   AFTER ROW        users_50_history        records the change, once the row is final
--   BEFORE STATEMENT users_95_history_truncate  (TRUNCATE only) records a delete per row

-- The state of a user row as history describes it.
CREATE OR REPLACE FUNCTION custodian_history_state(u users) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('name', u.name, 'email', u.email, 'data', u.data,
                              'deleted', u.deleted_at IS NOT NULL)
$$;

-- One replace operation at path; the building block of the trigger's diffs.
CREATE OR REPLACE FUNCTION custodian_history_replace(path text, value jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('op', 'replace', 'path', path, 'value', value)
$$;

-- The RFC 6902 operations between two JSON values, both ways: changes turn old into new, undo
-- turns new back into old. Objects are compared key by key at every depth; arrays and scalars
-- that differ are replaced whole. Paths start at "at" (for example '/data'), and keys are
-- escaped as RFC 6901 section 4 says: '~' becomes '~0', then '/' becomes '~1'.
--
-- Cost grows with the change, not the document: one pass in C over the keys of each object,
-- descending only into members whose value differs, and only what differs is copied into the
-- result. No join and no recursive query: this runs inside the trigger on every write, and one
-- simple query per changed object, its plan cached for the session, is several times cheaper.
-- Operators can call it too:  SELECT * FROM custodian_history_diff(a.data, b.data, '/data');
CREATE OR REPLACE FUNCTION custodian_history_diff(old jsonb, new jsonb, at text DEFAULT '',
                                       OUT changes jsonb, OUT undo jsonb)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    member record;
    path text;
    inner_diff record;
BEGIN
    changes := '[]';
    undo := '[]';
    IF old IS NOT DISTINCT FROM new THEN
        RETURN;
    END IF;
    IF jsonb_typeof(old) IS DISTINCT FROM 'object' OR jsonb_typeof(new) IS DISTINCT FROM 'object' THEN
        changes := jsonb_build_array(custodian_history_replace(at, new));
        undo := jsonb_build_array(custodian_history_replace(at, old));
        RETURN;
    END IF;
    -- Every key of either object, once (old || new has each key once); a member missing on
    -- one side reads as SQL NULL there, while a JSON null is a value like any other. The set-
    -- returning call sits in the select list, so rows stream through the filter without the
    -- tuplestore a FROM-clause function scan would fill.
    FOR member IN
        SELECT s.key, old -> s.key AS was, new -> s.key AS now
          FROM (SELECT jsonb_object_keys(old || new) AS key) AS s
         WHERE (old -> s.key) IS DISTINCT FROM (new -> s.key)
    LOOP
        path := at || '/' || replace(replace(member.key, '~', '~0'), '/', '~1');
        IF member.was IS NULL THEN
            changes := changes || jsonb_build_object('op', 'add', 'path', path, 'value', member.now);
            undo := undo || jsonb_build_object('op', 'remove', 'path', path);
        ELSIF member.now IS NULL THEN
            changes := changes || jsonb_build_object('op', 'remove', 'path', path);
            undo := undo || jsonb_build_object('op', 'add', 'path', path, 'value', member.was);
        ELSIF jsonb_typeof(member.was) = 'object' AND jsonb_typeof(member.now) = 'object' THEN
            inner_diff := custodian_history_diff(member.was, member.now, path);
            changes := changes || inner_diff.changes;
            undo := undo || inner_diff.undo;
        ELSE
            changes := changes || custodian_history_replace(path, member.now);
            undo := undo || custodian_history_replace(path, member.was);
        END IF;
    END LOOP;
END $$;

COMMENT ON FUNCTION custodian_history_diff(jsonb, jsonb, text) IS
    'RFC 6902 operations from old to new (changes) and back (undo); objects key by key, arrays and scalars whole. See docs/history.md.';

-- The capture trigger's function. The transaction's context comes from SET LOCAL custodian.*
-- (read with current_setting(name, true): unset reads as NULL, and a setting a finished
-- transaction set locally reads as '' afterwards, hence nullif).
--
-- On UPDATE it compares column by column and walks data only when data changed, so a one-key
-- change costs one short walk and one INSERT, whatever the size of the document; the full state
-- is built only for a snapshot (every 100th version, or when the user becomes deleted).
CREATE OR REPLACE FUNCTION custodian_history_record() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    declared_actor text := nullif(current_setting('custodian.actor', true), '');
    declared_op text := nullif(current_setting('custodian.op', true), '');
    row_id bigint;
    version bigint;
    at timestamptz;
    op text;
    changes jsonb := '[]';
    undo jsonb := '[]';
    snapshot jsonb;
    data_diff record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        snapshot := custodian_history_state(NEW);
        row_id := NEW.id;
        version := NEW.version;
        at := NEW.updated_at;
        op := coalesce(declared_op, 'create');
        changes := jsonb_build_array(custodian_history_replace('', snapshot));
        undo := jsonb_build_array(custodian_history_replace('', 'null'));
    ELSIF TG_OP = 'DELETE' THEN
        -- The row is gone: the state is JSON null, and undo holds everything needed to bring it back.
        snapshot := 'null';
        row_id := OLD.id;
        version := OLD.version + 1;
        at := now();
        op := coalesce(declared_op, 'delete');
        changes := jsonb_build_array(custodian_history_replace('', 'null'));
        undo := jsonb_build_array(custodian_history_replace('', custodian_history_state(OLD)));
    ELSE
        IF NEW.version = OLD.version THEN
            RETURN NULL; -- nothing changed (users_10_keep_version kept the version): nothing to record
        END IF;
        row_id := NEW.id;
        version := NEW.version;
        at := NEW.updated_at;
        op := coalesce(declared_op,
                       CASE WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'delete' ELSE 'update' END);
        IF NEW.name IS DISTINCT FROM OLD.name THEN
            changes := changes || custodian_history_replace('/name', to_jsonb(NEW.name));
            undo := undo || custodian_history_replace('/name', to_jsonb(OLD.name));
        END IF;
        IF NEW.email IS DISTINCT FROM OLD.email THEN
            changes := changes || custodian_history_replace('/email', to_jsonb(NEW.email));
            undo := undo || custodian_history_replace('/email', to_jsonb(OLD.email));
        END IF;
        IF NEW.data IS DISTINCT FROM OLD.data THEN
            data_diff := custodian_history_diff(OLD.data, NEW.data, '/data');
            changes := changes || data_diff.changes;
            undo := undo || data_diff.undo;
        END IF;
        IF (NEW.deleted_at IS NULL) <> (OLD.deleted_at IS NULL) THEN
            changes := changes || custodian_history_replace('/deleted', to_jsonb(NEW.deleted_at IS NOT NULL));
            undo := undo || custodian_history_replace('/deleted', to_jsonb(OLD.deleted_at IS NOT NULL));
        END IF;
        IF NEW.version % 100 = 0 OR (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) THEN
            snapshot := custodian_history_state(NEW);
        END IF;
    END IF;
    INSERT INTO user_changes (user_id, version, at, actor, request_id, source, op, changes, undo, snapshot)
    VALUES (row_id, version, at,
            coalesce(declared_actor, 'sql:' || current_user),
            nullif(current_setting('custodian.request_id', true), ''),
            CASE WHEN declared_actor IS NULL THEN 'sql' ELSE 'api' END,
            op, changes, undo, snapshot);
    RETURN NULL;
END $$;

-- AFTER ROW: it records the row as finally written, after every BEFORE trigger (the version, a
-- guard's refusal) has had its say, and a refused or rolled-back write leaves no entry.
CREATE OR REPLACE TRIGGER users_50_history
    AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION custodian_history_record();

-- TRUNCATE fires no row triggers. Numbered after the bulk guard's TRUNCATE check (90), so a
-- refused TRUNCATE costs nothing here; a confirmed one records a delete for every row, so each
-- user can still be brought back.
CREATE OR REPLACE FUNCTION custodian_history_record_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    declared_actor text := nullif(current_setting('custodian.actor', true), '');
BEGIN
    INSERT INTO user_changes (user_id, version, at, actor, request_id, source, op, changes, undo, snapshot)
    SELECT u.id, u.version + 1, now(),
           coalesce(declared_actor, 'sql:' || current_user),
           nullif(current_setting('custodian.request_id', true), ''),
           CASE WHEN declared_actor IS NULL THEN 'sql' ELSE 'api' END,
           coalesce(nullif(current_setting('custodian.op', true), ''), 'delete'),
           jsonb_build_array(custodian_history_replace('', 'null')),
           jsonb_build_array(custodian_history_replace('', custodian_history_state(u))),
           'null'
      FROM users AS u;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER users_95_history_truncate
    BEFORE TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION custodian_history_record_truncate();


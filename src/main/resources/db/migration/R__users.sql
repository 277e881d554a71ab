-- The users table: the API representation of a user, and every trigger on the table with the
-- function that keeps its version, guards it and records its updates. Repeatable: Flyway runs
-- this file again whenever it changes, after every versioned migration and after the other
-- repeatable files (they sort before it), so the functions the triggers call exist, and the
-- triggers change over in one transaction.
--
-- Trigger names carry a number because PostgreSQL fires the triggers of one kind (BEFORE ROW,
-- AFTER ROW, AFTER STATEMENT, ...) in name order. On users:
--   BEFORE ROW       users_40_write              INSERT, UPDATE: version and updated_at; for an
--                                                UPDATE also the key-loss guard and its history
--   AFTER ROW        users_50_history            INSERT, DELETE: records the change
--   AFTER STATEMENT  users_90_guard_bulk_update / users_90_guard_bulk_delete
--   BEFORE STATEMENT users_90_guard_truncate, then users_95_history_truncate  (TRUNCATE only)

-- RFC 3339 UTC timestamps with microseconds, the form every response uses. STABLE, as to_char
-- is (it reads settings): declared IMMUTABLE it could not be inlined into custodian_user_json and
-- ran as a separate function call twice per read.
CREATE OR REPLACE FUNCTION custodian_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- The API representation of a user, built where the data lives so reads return stored
-- JSON text without parsing it in the service. The text json_build_object would write, member
-- for member and space for space, written with format(): json_build_object looks up the type
-- of each of its fourteen arguments on every call (callgrind, W3's statement: 140k
-- instructions a read with it, 124k with this; a W1 write 16k fewer too). Every value is
-- of a column that cannot be NULL: the numbers print as JSON numbers, name and email are
-- escaped by to_json, data is jsonb's own text, and the times hold no character to escape.
CREATE OR REPLACE FUNCTION custodian_user_json(u users) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT format('{"id" : %s, "name" : %s, "email" : %s, "data" : %s, "version" : %s, "createdAt" : "%s", "updatedAt" : "%s"}',
                  u.id, to_json(u.name), to_json(u.email), u.data, u.version,
                  custodian_time(u.created_at), custodian_time(u.updated_at))
$$;

-- The rules of every users row, whoever writes it: a name of 1 to 200 characters, an email of
-- 3 to 254, and data a JSON object (the service checks more before it writes: docs/api.md).
-- The table's one CHECK constraint, users_rules, calls this; a broken rule is refused with
-- SQLSTATE 23514 (check_violation), as a plain CHECK would be, naming the rule but not the
-- value, which is personal data. A function rather than three CHECK expressions: PostgreSQL
-- plans CHECK expressions again in every statement that writes the table, a PL/pgSQL
-- function's expressions once a session (measured, callgrind, a W1 write: 89k instructions
-- fewer when user_changes made the same move). Not domains, as the columns of user_changes
-- are (V17__history_entry_domains.sql), although those cost less again: the columns of users
-- are what applications and their ORMs read and map, and a domain is a type of its own to
-- whatever reads their types from the catalog.
CREATE OR REPLACE FUNCTION custodian_user_rules(name text, email text, data jsonb) RETURNS boolean
-- STABLE, as format() is, which the refusals use.
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    IF char_length(name) NOT BETWEEN 1 AND 200 THEN
        RAISE check_violation USING TABLE = 'users', CONSTRAINT = 'users_rules', COLUMN = 'name',
            MESSAGE = 'new row for relation "users" violates check constraint "users_rules"',
            DETAIL = format('name must have 1 to 200 characters, not %s.', char_length(name));
    END IF;
    IF char_length(email) NOT BETWEEN 3 AND 254 THEN
        RAISE check_violation USING TABLE = 'users', CONSTRAINT = 'users_rules', COLUMN = 'email',
            MESSAGE = 'new row for relation "users" violates check constraint "users_rules"',
            DETAIL = format('email must have 3 to 254 characters, not %s.', char_length(email));
    END IF;
    IF jsonb_typeof(data) <> 'object' THEN
        RAISE check_violation USING TABLE = 'users', CONSTRAINT = 'users_rules', COLUMN = 'data',
            MESSAGE = 'new row for relation "users" violates check constraint "users_rules"',
            DETAIL = format('data must be a JSON object, not %s.', jsonb_typeof(data));
    END IF;
    RETURN true;
END $$;

COMMENT ON FUNCTION custodian_user_rules(text, text, jsonb) IS
    'The rules of a users row, checked by its constraint users_rules: name 1-200 characters, email 3-254, data an object.';

-- The three CHECK expressions of V1__users.sql give way to the one constraint that calls the
-- function above, once, NOT VALID, as in R__history.sql and for the same reason.
DO $rules$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE conrelid = 'users'::regclass AND conname = 'users_rules') THEN
        ALTER TABLE users
            DROP CONSTRAINT IF EXISTS users_name_check,
            DROP CONSTRAINT IF EXISTS users_email_check,
            DROP CONSTRAINT IF EXISTS users_data_check,
            ADD CONSTRAINT users_rules CHECK (custodian_user_rules(name, email, data)) NOT VALID;
    END IF;
END $rules$;

-- The top-level keys of data the transaction declared its writes change, from
-- custodian.changed_keys (a text[] literal such as {phone}); NULL when it declared none. The
-- service's one-statement merge declares the keys of its patch. See custodian_write_row.
CREATE OR REPLACE FUNCTION custodian_declared_keys() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN current_setting('custodian.changed_keys', true) LIKE '{%}'
                THEN current_setting('custodian.changed_keys', true)::text[] END
$$;

-- Every INSERT and UPDATE of a users row passes here, BEFORE it is written:
--   * version and updated_at are kept by the database, whoever writes: raw SQL moves them
--     too. A statement that changes nothing keeps the version, so "version" counts real
--     changes. An INSERT of an id that already has history (a hard-deleted user coming back)
--     continues its numbering, so a version never goes backwards and never repeats;
--   * the key-loss guard refuses an UPDATE that removes something from data that the
--     transaction did not confirm (custodian.allow_removal = 'on') or name
--     (custodian.removing), with SQLSTATE CU001 (custodian_refuse_key_loss);
--   * the UPDATE is recorded in user_changes, its diff both ways;
--   * an INSERT under the key of an erased row is refused (CU004, R__user_erasure.sql).
-- One function for all three: each trigger call has a fixed cost, and this one also has the
-- old row and the new one at hand for the guard and the diff.
--
-- The data of the usual write is settled without walking the document: when the transaction
-- declared the keys its write changes (custodian_declared_keys) and data outside those keys
-- is indeed unchanged (two deletes and one comparison, in C), only the members at those keys
-- are judged and diffed, so the cost grows with the change. Up to 100 keys: a delete compares
-- each key of the document with each key it deletes, so for more the longer way is cheaper.
-- A declaration that does not hold only sends the write down the longer way:
-- custodian_lost_paths (which settles an object of scalars at a glance) and
-- custodian_history_diff over the whole document.
--
-- What a write costs here is mostly how many expressions run, not what they do: PL/pgSQL
-- prepares each expression again in every transaction, so one expression costs from about
-- 2,500 instructions (a comparison) to 16,000 (building a JSON object). So the usual write,
-- one scalar member replaced, takes the fewest: nothing is asked that cannot matter (whether
-- removal is allowed, only where something could be lost), the operations are collected as
-- jsonb arrays (no conversion when recorded), and "nothing changed" is known from there
-- being no operation rather than from comparing the whole row first (docs/operations.md,
-- "What a write costs in the database").
--
-- Runs BEFORE, so a refused row is never written, and last among the BEFORE ROW triggers: a
-- future trigger that rewrites data takes a number below 40, so this one judges and records
-- the row as it will be stored; nothing after it can skip the write. No WHEN clause:
-- PostgreSQL prepares a trigger's WHEN expression anew for every statement, which on a
-- single-row UPDATE cost more than the call it would save (measured).
CREATE OR REPLACE FUNCTION custodian_write_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last_recorded bigint;
    keys text[];
    key text;
    old_data jsonb;
    old_value jsonb;
    new_value jsonb;
    path text;
    lost text[];
    data_diff record;
    -- Both NULL until the first operation: no operation means nothing changed.
    change_ops jsonb;
    undo_ops jsonb;
    full_state jsonb;
    service boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- An erased person stays erased: no insert, whoever makes it, brings a row back under
        -- its key (R__user_erasure.sql). One probe of the register's unique index.
        IF custodian_erased(TG_TABLE_NAME, NEW.id::text) THEN
            PERFORM custodian_refuse_erasure_rule(TG_TABLE_NAME, NEW.id::text,
                format('%s row %s was erased and cannot be inserted again', TG_TABLE_NAME, NEW.id),
                'An erasure is final; create a new row under a new key.');
        END IF;
        SELECT max(c.version) INTO last_recorded FROM user_changes AS c WHERE c.user_id = NEW.id;
        NEW.version := coalesce(last_recorded + 1, NEW.version, 1);
        NEW.created_at := coalesce(NEW.created_at, now());
        NEW.updated_at := CASE WHEN last_recorded IS NULL THEN NEW.created_at ELSE now() END;
        RETURN NEW;
    END IF;

    -- The operations in the order of the document: name, email, data, deleted. name and email
    -- are NOT NULL, so <> is exact.
    IF NEW.name <> OLD.name OR NEW.email <> OLD.email THEN
        IF NEW.name <> OLD.name THEN
            change_ops := jsonb_build_array(custodian_history_replace('/name', to_jsonb(NEW.name)));
            undo_ops := jsonb_build_array(custodian_history_replace('/name', to_jsonb(OLD.name)));
        END IF;
        IF NEW.email <> OLD.email THEN
            change_ops := coalesce(change_ops, '[]') || custodian_history_replace('/email', to_jsonb(NEW.email));
            undo_ops := coalesce(undo_ops, '[]') || custodian_history_replace('/email', to_jsonb(OLD.email));
        END IF;
    END IF;

    -- OLD.data as stored may be out of line (TOAST): read it once, not at each use below.
    old_data := custodian_in_memory(OLD.data);
    keys := custodian_declared_keys();
    -- NULL (nothing declared) is not <= 100.
    IF cardinality(keys) <= 100 AND (old_data - keys) = (NEW.data - keys) THEN
        -- Only the declared keys differ: judge and record those members alone.
        FOREACH key IN ARRAY keys LOOP
            old_value := old_data -> key;
            new_value := NEW.data -> key;
            CONTINUE WHEN old_value IS NOT DISTINCT FROM new_value;
            path := '/data/' || custodian_pointer_token(key);
            IF new_value IS NULL OR old_value IS NULL OR jsonb_typeof(old_value) IN ('object', 'array') THEN
                -- Removed, added, or a structure changed: only the first and the last can lose
                -- anything.
                IF old_value IS NOT NULL AND current_setting('custodian.allow_removal', true) IS DISTINCT FROM 'on' THEN
                    lost := coalesce(lost, '{}') || CASE WHEN new_value IS NULL THEN ARRAY[path]
                                                         ELSE custodian_lost_paths(old_value, new_value, path) END;
                END IF;
                IF jsonb_typeof(old_value) = 'object' AND jsonb_typeof(new_value) = 'object' THEN
                    data_diff := custodian_history_diff(old_value, new_value, path);
                    change_ops := coalesce(change_ops, '[]') || data_diff.changes;
                    undo_ops := coalesce(undo_ops, '[]') || data_diff.undo;
                ELSE
                    change_ops := coalesce(change_ops, '[]') || custodian_history_op(old_value, new_value, path);
                    undo_ops := coalesce(undo_ops, '[]') || custodian_history_op(new_value, old_value, path);
                END IF;
            ELSE
                -- A scalar replaced by another value: nothing can be lost.
                change_ops := coalesce(change_ops, '[]') || custodian_history_replace(path, new_value);
                undo_ops := coalesce(undo_ops, '[]') || custodian_history_replace(path, old_value);
            END IF;
        END LOOP;
        IF lost <> '{}' THEN
            PERFORM custodian_refuse_key_loss(TG_TABLE_SCHEMA, TG_TABLE_NAME, OLD.id,
                                              custodian_unnamed_paths(lost, current_setting('custodian.removing', true), old_data));
        END IF;
    ELSIF NEW.data <> old_data THEN
        IF current_setting('custodian.allow_removal', true) IS DISTINCT FROM 'on' THEN
            PERFORM custodian_refuse_key_loss(TG_TABLE_SCHEMA, TG_TABLE_NAME, OLD.id, custodian_unnamed_paths(
                custodian_lost_paths(old_data, NEW.data), current_setting('custodian.removing', true), old_data));
        END IF;
        data_diff := custodian_history_diff(old_data, NEW.data, '/data');
        change_ops := coalesce(change_ops, '[]') || data_diff.changes;
        undo_ops := coalesce(undo_ops, '[]') || data_diff.undo;
    END IF;

    IF NEW.deleted_at IS DISTINCT FROM OLD.deleted_at THEN
        IF (NEW.deleted_at IS NULL) <> (OLD.deleted_at IS NULL) THEN
            change_ops := coalesce(change_ops, '[]') || custodian_history_replace('/deleted', to_jsonb(NEW.deleted_at IS NOT NULL));
            undo_ops := coalesce(undo_ops, '[]') || custodian_history_replace('/deleted', to_jsonb(OLD.deleted_at IS NOT NULL));
        END IF;
    ELSIF change_ops IS NULL THEN
        -- Nothing changed: the row stays as it is, version and all.
        RETURN OLD;
    END IF;
    NEW.id := OLD.id;
    NEW.created_at := OLD.created_at;
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    -- A snapshot every 100 versions and at a delete. Decided here rather than in the INSERT:
    -- an expression of the INSERT is prepared on every write, used or not.
    IF NEW.version % 100 = 0 OR (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) THEN
        full_state := custodian_history_state(NEW);
    END IF;
    -- custodian_history_append's INSERT, written out: a call of it would cost every write one
    -- more function call. Whether the session is the service is asked once for the three
    -- columns that depend on it (R__history.sql).
    service := custodian_session_is_service();
    INSERT INTO user_changes (user_id, version, at, actor, request_id, source, op, changes, undo, snapshot,
                              claimed_actor)
    VALUES (NEW.id, NEW.version, NEW.updated_at, custodian_change_actor(service),
            nullif(current_setting('custodian.request_id', true), ''), custodian_change_source(service),
            coalesce(nullif(current_setting('custodian.op', true), ''),
                     CASE WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'delete' ELSE 'update' END),
            coalesce(change_ops, '[]'), coalesce(undo_ops, '[]'), full_state,
            custodian_change_claimed_actor(service));
    RETURN NEW;
END $$;

-- It writes user_changes: with its owner's rights, so that writers of users need none there.
SELECT custodian_run_as_owner('custodian_write_row()');

DROP TRIGGER IF EXISTS users_10_keep_version ON users;
DROP TRIGGER IF EXISTS users_40_guard_key_loss ON users;

CREATE OR REPLACE TRIGGER users_40_write
    BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION custodian_write_row();

-- AFTER ROW: an INSERT is recorded once the row is final (its id, its version), and a
-- refused or rolled-back write leaves no entry.
CREATE OR REPLACE TRIGGER users_50_history
    AFTER INSERT OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION custodian_history_record();

-- AFTER STATEMENT, because only when the statement is done is the number of rows it touched
-- known; the error then rolls back all of it. Rows are counted in the OLD transition table.
-- UPDATE and DELETE get one trigger each: a trigger with a transition table may have only one
-- event. They also fire for the UPDATE part of INSERT ... ON CONFLICT and for MERGE.
CREATE OR REPLACE TRIGGER users_90_guard_bulk_update
    AFTER UPDATE ON users
    REFERENCING OLD TABLE AS touched_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION custodian_guard_bulk();

CREATE OR REPLACE TRIGGER users_90_guard_bulk_delete
    AFTER DELETE ON users
    REFERENCING OLD TABLE AS touched_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION custodian_guard_bulk();

-- BEFORE, so that nothing is removed when the guard refuses; numbered before
-- users_95_history_truncate, so a refused TRUNCATE records nothing.
CREATE OR REPLACE TRIGGER users_90_guard_truncate
    BEFORE TRUNCATE ON users
    FOR EACH STATEMENT
    EXECUTE FUNCTION custodian_guard_truncate();

CREATE OR REPLACE TRIGGER users_95_history_truncate
    BEFORE TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION custodian_history_record_truncate();

-- Replaced by custodian_write_row.
DROP FUNCTION IF EXISTS custodian_keep_version();
DROP FUNCTION IF EXISTS custodian_guard_key_loss();

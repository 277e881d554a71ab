-- History is append-only: every client may add entries (the capture triggers do), none may
-- change or remove one, with two exceptions: compaction, which goes through
-- custodian_history_compact, and an erasure, which takes the values out of the entries of an
-- erased row (R__user_erasure.sql, triggers user_changes_10_erasure_only and
-- changes_10_erasure_only). The same guard stands on custodian.changes, the history of the
-- adopted tables.
-- Repeatable: Flyway runs this file again whenever it changes, after every versioned
-- migration, so each statement replaces in place. docs/history.md is the operator's manual.
--
-- The refusal has its own SQLSTATE, CU005 (class CU is Custodian's; CU001 to CU004 are the
-- key-loss, bulk, DDL and erasure guards).

-- Raises the history guard's error; one place for its wording and code, used by the statement
-- trigger below and by the row trigger of erasures.
CREATE OR REPLACE FUNCTION custodian_refuse_history_change(operation text, table_name text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'CU005',
        MESSAGE = format('%s of %s refused: history entries are never changed or removed', operation, table_name),
        HINT = 'Only compaction (CUSTODIAN_HISTORY_KEEP, custodian_history_compact) removes entries older than the'
               ' retention window, and only an erasure (POST /admin/users/{id}/erase) takes a person''s values out.',
        TABLE = table_name;
END $$;

-- Whether custodian_history_compact is running in this transaction.
CREATE OR REPLACE FUNCTION custodian_history_compacting() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT current_setting('custodian.compacting', true) IS NOT DISTINCT FROM 'on'
$$;

-- Refuses DELETE and TRUNCATE of user_changes (and of custodian.changes, the adopted tables'
-- history, which is never compacted; R__tables_adopted.sql installs it there) unless custodian_history_compact is running in
-- this transaction. It is a statement trigger: a DELETE that matches no row is refused too, and
-- the capture triggers, which only insert, never pay for it. An UPDATE is judged row by row
-- (user_changes_10_erasure_only), since only the register of erasures says which entries may
-- lose their values; outside compaction and erasure it is refused there with this same error.
CREATE OR REPLACE FUNCTION custodian_history_protect() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' AND NOT custodian_history_compacting() THEN
        PERFORM custodian_refuse_history_change(TG_OP, TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER user_changes_10_protect
    BEFORE UPDATE OR DELETE OR TRUNCATE ON user_changes
    FOR EACH STATEMENT EXECUTE FUNCTION custodian_history_protect();

-- History is written by the capture triggers and never rewritten, with two exceptions:
-- compaction stores the boundary's snapshot, and an erasure takes the values out of every entry
-- of the row it erased (R__user_erasure.sql). So outside compaction an UPDATE of an entry passes
-- only when the register holds the entry's row and the new entry is exactly the old one without
-- its values. No setting confirms anything else. One function for both history tables: an entry
-- of user_changes names its user (user_id), one of custodian.changes its table and key. The
-- functions it calls are erasure's (R__user_erasure.sql, which runs later: PL/pgSQL resolves
-- them when the trigger fires).
CREATE OR REPLACE FUNCTION custodian_guard_history_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entry jsonb := to_jsonb(OLD);
    erased_table text := coalesce(entry ->> 'table_name', 'users');
    erased_key text := coalesce(entry ->> 'row_key', entry ->> 'user_id');
    noun text := CASE WHEN entry ? 'table_name' THEN (entry ->> 'table_name') || ' row' ELSE 'user' END;
BEGIN
    IF custodian_history_compacting() THEN
        RETURN NEW;
    END IF;
    IF NOT custodian_erased(erased_table, erased_key) THEN
        PERFORM custodian_refuse_history_change(TG_OP, TG_TABLE_NAME);
    END IF;
    IF to_jsonb(NEW) IS DISTINCT FROM custodian_erased_entry(entry) THEN
        PERFORM custodian_refuse_erasure_rule(TG_TABLE_NAME, erased_key,
            format('history entry %s of %s %s may only lose its values (%s %s is erased); nothing else of it changes',
                   OLD.version, noun, erased_key, noun, erased_key),
            'SET changes = custodian_erased_ops(changes), undo = custodian_erased_ops(undo), snapshot = NULL');
    END IF;
    RETURN NEW;
END $$;

-- Compacts one user's history at boundary, the oldest version kept: state (the user's state at
-- that version, rebuilt by the caller from the entries this removes) becomes the boundary's
-- snapshot, the boundary is marked compacted, and every entry before it is removed. The
-- boundary entry keeps its changes and undo, so the boundary version can still be undone.
-- Returns the number of entries removed. Refuses a boundary the user's history does not hold.
CREATE OR REPLACE FUNCTION custodian_history_compact(target_user bigint, boundary bigint, state jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    removed bigint;
BEGIN
    PERFORM set_config('custodian.compacting', 'on', true);
    UPDATE user_changes SET snapshot = state, compacted_at = now()
     WHERE user_id = target_user AND version = boundary;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % has no history entry at version %', target_user, boundary;
    END IF;
    DELETE FROM user_changes WHERE user_id = target_user AND version < boundary;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('custodian.compacting', 'off', true);
    RETURN removed;
END $$;

COMMENT ON FUNCTION custodian_history_compact(bigint, bigint, jsonb) IS
    'Replaces a user''s history entries before boundary by a snapshot on the boundary entry; the one way entries are removed. See docs/history.md.';

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
-- history, which is never compacted) unless custodian_history_compact is running in
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

CREATE OR REPLACE TRIGGER changes_10_protect
    BEFORE UPDATE OR DELETE OR TRUNCATE ON custodian.changes
    FOR EACH STATEMENT EXECUTE FUNCTION custodian_history_protect();

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

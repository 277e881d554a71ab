-- Erasure's guards: what keeps an erased person erased and the record of it intact, whoever
-- connects. The register table is created by V9__erasure.sql; docs/erasure.md is the operator's
-- manual, docs/guards.md lists the guards. Repeatable: Flyway runs this file again whenever it
-- changes, after the versioned migrations and after R__guards.sql and R__history.sql (it sorts
-- after them), whose functions it calls.
--
-- Triggers:
--   user_changes  BEFORE ROW UPDATE        user_changes_10_erasure_only  outside compaction, a history
--                                                                        entry changes only by losing
--                                                                        its values, and only once its
--                                                                        row is erased (else CU005,
--                                                                        the history guard)
--   custodian.changes BEFORE ROW UPDATE    changes_10_erasure_only       the same for the history of
--                                                                        the adopted tables (installed by
--                                                                        R__tables_adopted.sql)
--   erasures      BEFORE ROW UPDATE/DELETE erasures_10_kept              the register is never changed
--                 BEFORE STATEMENT TRUNCATE erasures_10_kept_truncate
--                 AFTER STATEMENT INSERT   erasures_90_guard_bulk_insert a statement erasing more than
--                                                                        one row needs allow_rows
-- and users_40_write (R__users.sql), like custodian_adopted_created (R__tables_adopted.sql) on
-- an adopted table, refuses to insert a row under an erased key.
--
-- Their error has its own SQLSTATE, CU004; an entry of a row that is not erased is refused
-- with the history guard's CU005 (R__history_retention.sql).

-- RFC 6902 operations without their values: each keeps its op and its path, so history still
-- says that something changed where, not what.
CREATE OR REPLACE FUNCTION custodian_erased_ops(ops jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_agg(o.op - 'value' - 'from' ORDER BY o.n), '[]')
      FROM jsonb_array_elements(ops) WITH ORDINALITY AS o(op, n)
$$;

-- A history entry as an erasure leaves it: version, time, actor, request id, source, op and the
-- paths of its operations; no value and no snapshot.
CREATE OR REPLACE FUNCTION custodian_erased_entry(entry jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT entry || jsonb_build_object('changes', custodian_erased_ops(entry -> 'changes'),
                                       'undo', custodian_erased_ops(entry -> 'undo'),
                                       'snapshot', NULL)
$$;

-- Whether the register holds this row: one probe of its unique index.
CREATE OR REPLACE FUNCTION custodian_erased(table_name text, row_key text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM erasures AS e WHERE e.table_name = $1 AND e.row_key = $2)
$$;

-- Raises the erasure guard's error; one place for its wording and code.
CREATE OR REPLACE FUNCTION custodian_refuse_erasure_rule(table_name text, row_key text, message text, hint text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'CU004',
        MESSAGE = message,
        DETAIL = json_build_object('table', table_name, 'key', row_key)::text,
        HINT = hint,
        TABLE = table_name;
END $$;

-- An UPDATE of a history entry is judged by custodian_guard_history_update
-- (R__history_retention.sql, with the rest of the history guard); it passes only for an entry
-- of a row this register holds, and only to lose its values.
CREATE OR REPLACE TRIGGER user_changes_10_erasure_only
    BEFORE UPDATE ON user_changes
    FOR EACH ROW EXECUTE FUNCTION custodian_guard_history_update();

-- The register is the proof that a person asked to be forgotten and was: never changed, never
-- deleted, never truncated, and never erased itself.
CREATE OR REPLACE FUNCTION custodian_guard_register() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM custodian_refuse_erasure_rule(TG_TABLE_NAME, CASE WHEN TG_LEVEL = 'ROW' THEN OLD.row_key END,
        format('%s of %s refused: the erasure register is never changed', TG_OP, TG_TABLE_NAME),
        'An erasure is final; its entry stays as the record of it.');
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER erasures_10_kept
    BEFORE UPDATE OR DELETE ON erasures
    FOR EACH ROW EXECUTE FUNCTION custodian_guard_register();

CREATE OR REPLACE TRIGGER erasures_10_kept_truncate
    BEFORE TRUNCATE ON erasures
    FOR EACH STATEMENT EXECUTE FUNCTION custodian_guard_register();

-- The bulk guard (R__guards.sql) for erasures: one statement that registers more than one
-- erasure needs custodian.allow_rows, like a DELETE of more than one user.
CREATE OR REPLACE TRIGGER erasures_90_guard_bulk_insert
    AFTER INSERT ON erasures
    REFERENCING NEW TABLE AS touched_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION custodian_guard_bulk();

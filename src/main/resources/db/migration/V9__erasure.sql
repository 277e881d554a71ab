-- Erasure: a person's values are removed for good, from the row and from every history entry of
-- that row, and the erasure itself is recorded in a register that is never erased or changed.
-- docs/erasure.md is the operator's manual. The functions and triggers that keep the register
-- and the erased history as they are live in R__user_erasure.sql.
--
-- The register names the table and the row's key (as text), so that a row of any tracked table
-- can be erased: today users, later the tables adopted with `custodian adopt`.

CREATE TABLE erasures (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name      text        NOT NULL,
    row_key         text        NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    actor           text        NOT NULL,
    request_id      text,
    reason          text        NOT NULL CHECK (btrim(reason) <> ''),
    history_entries bigint      NOT NULL CHECK (history_entries >= 0),
    -- A row is erased once: what restores, reverts and inserts consult.
    UNIQUE (table_name, row_key)
);

COMMENT ON TABLE erasures IS
    'One entry per erased row: who, when, why, under which request. Never changed or deleted. See docs/erasure.md.';
COMMENT ON COLUMN erasures.row_key IS 'The erased row''s key as text (users.id).';
COMMENT ON COLUMN erasures.history_entries IS 'How many history entries of the row lost their values.';

-- The erasure's own history entry: op erase (the row's delete, or a marker when it had none).
ALTER TABLE user_changes DROP CONSTRAINT user_changes_op_check;
ALTER TABLE user_changes ADD CONSTRAINT user_changes_op_check
    CHECK (op IN ('create', 'update', 'replace', 'delete', 'revert', 'rollback', 'restore', 'erase'));

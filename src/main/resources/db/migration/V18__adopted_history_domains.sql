-- The rules of an entry of custodian.changes, the adopted tables' history, as the domains of
-- its columns, as V17__history_entry_domains.sql made them for user_changes and for the same
-- reason: its four CHECK expressions were read back from their stored text and planned again
-- in every write of an adopted row. Measured (callgrind, an UPDATE of one key of a jsonb column
-- of an adopted row, as docs/operations.md counts a write): 1,633k → 1,511k instructions.
--
-- source, changes and undo take user_changes' domains; op has one of its own, as an adopted
-- row's history also records its adoption. Without a rewrite or a scan, as in V17: the columns
-- change to domains over the same types, the constraint of the new one is added NOT VALID.
CREATE DOMAIN custodian.custodian_adopted_entry_op AS text;

ALTER TABLE custodian.changes
    DROP CONSTRAINT IF EXISTS changes_source_check,
    DROP CONSTRAINT IF EXISTS changes_op_check,
    DROP CONSTRAINT IF EXISTS changes_changes_check,
    DROP CONSTRAINT IF EXISTS changes_undo_check,
    ALTER COLUMN source TYPE custodian.custodian_entry_source,
    ALTER COLUMN op TYPE custodian.custodian_adopted_entry_op,
    ALTER COLUMN changes TYPE custodian.custodian_entry_operations,
    ALTER COLUMN undo TYPE custodian.custodian_entry_operations;

ALTER DOMAIN custodian.custodian_adopted_entry_op
    ADD CONSTRAINT op_is_known
    CHECK (VALUE IN ('adopt', 'create', 'update', 'replace', 'delete', 'revert', 'rollback', 'restore', 'erase')) NOT VALID;

COMMENT ON DOMAIN custodian.custodian_adopted_entry_op IS
    'The operation an adopted row''s history entry records: adopt, create, update, replace, delete, revert, rollback, restore or erase.';

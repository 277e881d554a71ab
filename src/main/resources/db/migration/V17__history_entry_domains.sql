-- The rules every entry of user_changes keeps, whoever writes it (a trigger, the owner in psql,
-- a restore): its source and op are known words, and changes and undo are arrays of
-- operations. They were one CHECK constraint calling a PL/pgSQL function (user_changes_rules,
-- before that four CHECK expressions); now each is the domain of its column, checked as the
-- value is stored, and a broken rule is refused with SQLSTATE 23514 (check_violation) naming
-- the domain and its constraint.
--
-- Why domains: a table's CHECK constraints are read from their stored text and planned again
-- in every statement that writes the table, and the history INSERT runs in every write; a
-- domain's constraints are planned once a session and kept (PostgreSQL's type cache), so the
-- rules cost only their comparisons. Measured (callgrind, docs/operations.md "What a write
-- costs in the database"): 27,000 instructions of a W1 write (742k → 715k).
--
-- Without a rewrite or a scan of the history, which would hold every writer off until Flyway
-- commits: the columns change to domains that have no constraint yet (the same base types, so
-- the stored values stay as they are), and the constraints are added NOT VALID, as
-- user_changes_rules was, because the rows already stored passed the very same rules.
-- R__history.sql drops the function user_changes_rules called.
CREATE DOMAIN custodian_entry_source AS text;
CREATE DOMAIN custodian_entry_op AS text;
CREATE DOMAIN custodian_entry_operations AS jsonb;

ALTER TABLE user_changes
    DROP CONSTRAINT IF EXISTS user_changes_rules,
    DROP CONSTRAINT IF EXISTS user_changes_source_check,
    DROP CONSTRAINT IF EXISTS user_changes_op_check,
    DROP CONSTRAINT IF EXISTS user_changes_changes_check,
    DROP CONSTRAINT IF EXISTS user_changes_undo_check,
    ALTER COLUMN source TYPE custodian_entry_source,
    ALTER COLUMN op TYPE custodian_entry_op,
    ALTER COLUMN changes TYPE custodian_entry_operations,
    ALTER COLUMN undo TYPE custodian_entry_operations;

ALTER DOMAIN custodian_entry_source
    ADD CONSTRAINT source_is_api_or_sql CHECK (VALUE IN ('api', 'sql')) NOT VALID;
ALTER DOMAIN custodian_entry_op
    ADD CONSTRAINT op_is_known CHECK (VALUE IN ('create', 'update', 'replace', 'delete', 'revert', 'rollback', 'restore', 'erase')) NOT VALID;
ALTER DOMAIN custodian_entry_operations
    ADD CONSTRAINT is_an_array_of_operations CHECK (jsonb_typeof(VALUE) = 'array') NOT VALID;

COMMENT ON DOMAIN custodian_entry_source IS 'Where a history entry came from: api (the service) or sql.';
COMMENT ON DOMAIN custodian_entry_op IS
    'The operation a history entry records: create, update, replace, delete, revert, rollback, restore or erase.';
COMMENT ON DOMAIN custodian_entry_operations IS 'RFC 6902 operations of a history entry (changes, undo): a JSON array.';

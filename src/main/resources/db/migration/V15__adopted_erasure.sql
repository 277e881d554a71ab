-- Erasure of a row of an adopted table (POST /admin/tables/{table}/rows/{key}/erase,
-- docs/erasure.md): the row's delete is recorded as op erase, as for users (V9__erasure.sql).
-- The guards that keep custodian.changes append-only and an erased row erased are triggers and
-- functions of the repeatable migrations (R__history_retention.sql, R__user_erasure.sql,
-- R__tables_adopted.sql), which run after this one.
ALTER TABLE custodian.changes DROP CONSTRAINT changes_op_check;
ALTER TABLE custodian.changes ADD CONSTRAINT changes_op_check
    CHECK (op IN ('adopt', 'create', 'update', 'replace', 'delete', 'revert', 'rollback', 'restore', 'erase'));

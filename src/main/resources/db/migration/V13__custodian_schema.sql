-- Custodian's tables, functions and history live in a schema of their own, so that it can serve
-- from an application's database beside the application's own tables (an application's
-- public.users among them) without either seeing the other's names. A new database is created
-- in it (Flyway's defaultSchema); a database of an earlier version, everything in public, was
-- moved into it before this migration ran, in one transaction with Flyway's own history
-- (dev.custodian.db.SchemaMove). What remains is to say so where an operator looks (\dn+).
COMMENT ON SCHEMA ${flyway:defaultSchema} IS
    'Custodian''s tables, functions and history. See docs/operations.md ("Custodian''s schema").';

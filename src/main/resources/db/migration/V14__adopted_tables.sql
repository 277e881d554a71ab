-- Adopted tables: another application's table under Custodian's guards and history, without
-- changing what the application sees (`custodian adopt`, docs/adopting.md). The registry says
-- which tables are adopted and how; custodian.changes holds their history, in the format of
-- user_changes, keyed by table and row key. Both live in Custodian's schema, custodian, named
-- with it, beside the application's own tables (its public.users among them). The triggers and
-- functions are in R__tables_adopted.sql.

CREATE TABLE custodian.adopted_tables (
    -- Unique by name: the history and the routes (/tables/{table}) name a table by it alone.
    table_name       text        PRIMARY KEY,
    table_schema     text        NOT NULL,
    key_column       text        NOT NULL,
    key_type         text        NOT NULL CHECK (key_type IN ('integer', 'bigint', 'text', 'uuid')),
    document_columns text[]      NOT NULL,
    since            timestamptz NOT NULL,
    adopted_by       text        NOT NULL
);

COMMENT ON TABLE custodian.adopted_tables IS
    'Tables of other applications under Custodian''s guards and history (custodian adopt). See docs/adopting.md.';
COMMENT ON COLUMN custodian.adopted_tables.document_columns IS
    'The json and jsonb columns at adoption: the key-loss guard works inside them.';
COMMENT ON COLUMN custodian.adopted_tables.adopted_by IS 'Who ran custodian adopt (cli:<user>), and as which database role.';

CREATE TABLE custodian.changes (
    -- No foreign key to the registry: history outlives the adoption (adopt --remove keeps it).
    table_name    text        NOT NULL,
    -- The key as text (integer, bigint, text and uuid keys alike), as PostgreSQL prints it.
    row_key       text        NOT NULL,
    -- The row's version after this change: the number of its recorded changes.
    version       bigint      NOT NULL,
    at            timestamptz NOT NULL,
    actor         text        NOT NULL,
    request_id    text,
    source        text        NOT NULL CHECK (source IN ('api', 'sql')),
    op            text        NOT NULL CHECK (op IN ('adopt', 'create', 'update', 'replace', 'delete',
                                                     'revert', 'rollback', 'restore')),
    changes       jsonb       NOT NULL CHECK (jsonb_typeof(changes) = 'array'),
    undo          jsonb       NOT NULL CHECK (jsonb_typeof(undo) = 'array'),
    snapshot      jsonb,
    claimed_actor text,
    PRIMARY KEY (table_name, row_key, version)
);

CREATE INDEX changes_at ON custodian.changes (table_name, at);

COMMENT ON TABLE custodian.changes IS
    'Every change of every row of the adopted tables, recorded by their triggers. See docs/adopting.md.';
COMMENT ON COLUMN custodian.changes.op IS
    'adopt: the row as it was when its table was adopted (its first snapshot); otherwise as in user_changes.';
COMMENT ON COLUMN custodian.changes.snapshot IS
    'The row (its columns as a JSON object) after this change: on adopt, create, delete and every 100th version.';

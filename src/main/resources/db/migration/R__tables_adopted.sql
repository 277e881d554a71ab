-- Adopted tables: the triggers `custodian adopt` puts on another application's table, and the
-- functions that install and remove them (docs/adopting.md). The registry and the history table
-- are created by V14__adopted_tables.sql. Repeatable: Flyway runs this file again whenever it
-- changes; the name sorts after R__history.sql, whose custodian_run_as_owner it calls.
--
-- Everything here lives in Custodian's schema and is named with it. The guard and history
-- functions it calls (custodian_lost_paths, custodian_history_diff, custodian_guard_bulk, ...)
-- are Custodian's own, the very ones that guard users: the trigger functions run with their
-- search path pinned to Custodian's schema (custodian_run_as_owner, afterMigrate.sql), whatever
-- the application's session searches.
--
-- The state of an adopted row is the row itself as a JSON object, its columns by name
-- (to_jsonb), with json and jsonb columns as documents inside it. Its history entries have the
-- format of user_changes: RFC 6902 operations both ways, rooted at the row ("/data/phone",
-- "/createdAt"), a snapshot on adopt, create, delete and every 100th version. A row's version
-- is the number of its recorded changes.
--
-- Triggers on an adopted table, named so that PostgreSQL fires them in this order:
--   BEFORE ROW       custodian_40_write            UPDATE: the key-loss guard, then the change
--   AFTER ROW        custodian_50_history          INSERT, DELETE: records the change
--   AFTER STATEMENT  custodian_90_guard_bulk_update / custodian_90_guard_bulk_delete
--   BEFORE STATEMENT custodian_90_guard_truncate, then custodian_95_history_truncate

-- Appends one entry for the row under row_key of the adopted table: the next version of that
-- row, with the transaction's context, as custodian_history_append does for users. snapshot
-- NULL means "only every 100th version", of state.
CREATE OR REPLACE FUNCTION custodian.custodian_adopted_append(table_name text, row_key text, default_op text,
                                                              changes jsonb, undo jsonb, snapshot jsonb,
                                                              state jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    next_version bigint;
BEGIN
    -- The arguments carry the caller's collation: TG_TABLE_NAME is a name, collated "C", and a
    -- comparison in "C" cannot use the key's index (collated as the database is), so every
    -- write scanned the whole history (measured: 7 ms a write at 10,000 entries, growing).
    SELECT coalesce(max(c.version), 0) + 1 INTO next_version
      FROM custodian.changes AS c
     WHERE c.table_name = custodian_adopted_append.table_name COLLATE "default"
       AND c.row_key = custodian_adopted_append.row_key COLLATE "default";
    INSERT INTO custodian.changes (table_name, row_key, version, at, actor, request_id, source, op, changes, undo,
                                   snapshot, claimed_actor)
    VALUES (table_name, row_key, next_version, now(), custodian_change_actor(),
            nullif(current_setting('custodian.request_id', true), ''), custodian_change_source(),
            coalesce(nullif(current_setting('custodian.op', true), ''), default_op), changes, undo,
            coalesce(snapshot, CASE WHEN next_version % 100 = 0 THEN state END), custodian_change_claimed_actor());
END $$;

-- A row that arrived (an INSERT, or an UPDATE of its key) or left (a DELETE, a TRUNCATE, an
-- UPDATE of its key): a created row's entry holds the whole row, a deleted one's undo holds
-- everything needed to bring it back.
-- An erased row stays erased: no insert, and no update of another row's key, brings a row back
-- under an erased key (R__user_erasure.sql), as users_40_write refuses it for users.
CREATE OR REPLACE FUNCTION custodian.custodian_adopted_created(table_name text, key_column text, state jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF custodian_erased(table_name, state ->> key_column) THEN
        PERFORM custodian_refuse_erasure_rule(table_name, state ->> key_column,
            format('%s row %s was erased and cannot be inserted again', table_name, state ->> key_column),
            'An erasure is final; create a new row under a new key.');
    END IF;
    PERFORM custodian.custodian_adopted_append(table_name, state ->> key_column, 'create',
        jsonb_build_array(custodian_history_replace('', state)),
        jsonb_build_array(custodian_history_replace('', 'null')), state, state);
END $$;

CREATE OR REPLACE FUNCTION custodian.custodian_adopted_deleted(table_name text, key_column text, state jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM custodian.custodian_adopted_append(table_name, state ->> key_column, 'delete',
        jsonb_build_array(custodian_history_replace('', 'null')),
        jsonb_build_array(custodian_history_replace('', state)), 'null', NULL);
END $$;

-- Every UPDATE of an adopted row passes here, BEFORE it is written. Arguments: the key column,
-- and the document columns as a text[] literal.
--   * An UPDATE that changes nothing is not a change: no entry.
--   * The key-loss guard, as on users: the documents before and after are compared, rooted at
--     the row, and a loss the transaction did not confirm (custodian.allow_removal = 'on') or
--     name (custodian.removing, pointers such as "/data/address") is refused with CU001.
--   * The change is recorded, its diff both ways; a row whose key changed leaves its old key
--     (a delete) and arrives under its new one (a create).
CREATE OR REPLACE FUNCTION custodian.custodian_adopted_write() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    key_column text := TG_ARGV[0];
    documents text[] := TG_ARGV[1]::text[];
    old_row jsonb := to_jsonb(OLD);
    new_row jsonb := to_jsonb(NEW);
    document text;
    lost text[] := '{}';
    old_documents jsonb := '{}';
    row_diff record;
BEGIN
    IF new_row = old_row THEN
        RETURN NEW;
    END IF;
    -- Each document that changed is judged on its own, rooted at its column: the usual write (an
    -- object of scalars that kept its keys) is settled at a glance, without a query.
    IF current_setting('custodian.allow_removal', true) IS DISTINCT FROM 'on' THEN
        FOREACH document IN ARRAY documents LOOP
            CONTINUE WHEN (old_row -> document) IS NOT DISTINCT FROM (new_row -> document);
            lost := lost || custodian_lost_paths(old_row -> document, new_row -> document,
                                                 '/' || custodian_pointer_token(document));
            old_documents := old_documents || jsonb_build_object(document, old_row -> document);
        END LOOP;
        IF cardinality(lost) > 0 THEN
            PERFORM custodian_refuse_key_loss(TG_TABLE_SCHEMA, TG_TABLE_NAME, old_row -> key_column,
                custodian_unnamed_paths(lost, current_setting('custodian.removing', true), old_documents, ''), 'key');
        END IF;
    END IF;
    IF (old_row ->> key_column) IS DISTINCT FROM (new_row ->> key_column) THEN
        PERFORM custodian.custodian_adopted_deleted(TG_TABLE_NAME, key_column, old_row);
        PERFORM custodian.custodian_adopted_created(TG_TABLE_NAME, key_column, new_row);
    ELSE
        row_diff := custodian_history_diff(old_row, new_row, '');
        PERFORM custodian.custodian_adopted_append(TG_TABLE_NAME, new_row ->> key_column, 'update',
            row_diff.changes, row_diff.undo, NULL, new_row);
    END IF;
    RETURN NEW;
END $$;

-- INSERT and DELETE of an adopted row, once the row is final (AFTER). Argument: the key column.
CREATE OR REPLACE FUNCTION custodian.custodian_adopted_record() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM custodian.custodian_adopted_created(TG_TABLE_NAME, TG_ARGV[0], to_jsonb(NEW));
    ELSE
        PERFORM custodian.custodian_adopted_deleted(TG_TABLE_NAME, TG_ARGV[0], to_jsonb(OLD));
    END IF;
    RETURN NULL;
END $$;

-- A confirmed TRUNCATE fires no row trigger: a delete is recorded for every row, so each can
-- be brought back. Runs after custodian_90_guard_truncate, so a refused one records nothing.
CREATE OR REPLACE FUNCTION custodian.custodian_adopted_record_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    state jsonb;
BEGIN
    FOR state IN EXECUTE format('SELECT to_jsonb(t) FROM %I.%I AS t', TG_TABLE_SCHEMA, TG_TABLE_NAME) LOOP
        PERFORM custodian.custodian_adopted_deleted(TG_TABLE_NAME, TG_ARGV[0], state);
    END LOOP;
    RETURN NULL;
END $$;

-- They write custodian.changes: with their owner's rights, so that the application's role
-- needs no right there and cannot forge or erase history.
SELECT custodian_run_as_owner('custodian.custodian_adopted_write()');
SELECT custodian_run_as_owner('custodian.custodian_adopted_record()');
SELECT custodian_run_as_owner('custodian.custodian_adopted_record_truncate()');

-- custodian.changes has the history guard of user_changes (R__history_retention.sql): entries
-- are never changed or removed, except that an erasure takes the values out of an erased row's.
CREATE OR REPLACE TRIGGER changes_10_protect
    BEFORE UPDATE OR DELETE OR TRUNCATE ON custodian.changes
    FOR EACH STATEMENT EXECUTE FUNCTION custodian_history_protect();

CREATE OR REPLACE TRIGGER changes_10_erasure_only
    BEFORE UPDATE ON custodian.changes
    FOR EACH ROW EXECUTE FUNCTION custodian_guard_history_update();

-- A guard function of Custodian's, as the name a trigger calls it by: the one the caller's
-- search path finds (custodian adopt puts the schema custodian last on it).
CREATE OR REPLACE FUNCTION custodian.custodian_adopted_guard(name text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found regprocedure := to_regprocedure(name || '()');
BEGIN
    IF found IS NULL THEN
        RAISE EXCEPTION 'function %() is missing: Custodian''s guards are not installed in this database', name;
    END IF;
    RETURN (SELECT format('%I.%I()', n.nspname, p.proname)
              FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
             WHERE p.oid = found);
END $$;

-- Adopts a table, in the caller's transaction: checks that it can be adopted, records it in the
-- registry and each of its rows as its first snapshot, and installs the triggers. table_ref is
-- the table's name as written, case and all ("Users" is not users), or schema.name. Refusals
-- carry a standard SQLSTATE (42P01 no such table, 42703 no such column, 22023 a key that cannot
-- be one, 42710 already adopted) and a message for a person. Returns how many rows were
-- recorded.
CREATE OR REPLACE FUNCTION custodian.custodian_adopt(table_ref text, key_column text, adopted_by text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    target regclass := CASE WHEN position('.' IN table_ref) > 0
                            THEN to_regclass(format('%I.%I', split_part(table_ref, '.', 1),
                                                    substr(table_ref, position('.' IN table_ref) + 1)))
                            ELSE to_regclass(format('%I', table_ref)) END;
    target_schema text;
    target_name text;
    key_attnum smallint;
    key_type text;
    documents text[];
    since timestamptz;
    recorded bigint;
BEGIN
    SELECT n.nspname, c.relname INTO target_schema, target_name
      FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
     WHERE c.oid = target AND c.relkind = 'r';
    IF target_name IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_table',
            MESSAGE = format('no table %s in this database (names are matched as written, case included;'
                             ' schema.table for another schema)', table_ref);
    END IF;
    SELECT a.since INTO since FROM custodian.adopted_tables AS a WHERE a.table_name = target_name;
    IF since IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'duplicate_object',
            MESSAGE = format('table %s is already adopted (since %s); adopt --remove --table %s first to adopt it'
                             ' again', target_name, to_char(since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), target_name);
    END IF;
    IF target_schema IN ('custodian', 'custodian_ddl_guard')
       OR EXISTS (SELECT FROM pg_catalog.pg_trigger AS t JOIN pg_catalog.pg_proc AS p ON p.oid = t.tgfoid
                   WHERE t.tgrelid = target AND p.proname LIKE 'custodian\_%') THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('table %s is one of Custodian''s own tables, guarded already', table_ref);
    END IF;
    SELECT a.attnum, format_type(a.atttypid, NULL) INTO key_attnum, key_type
      FROM pg_catalog.pg_attribute AS a
     WHERE a.attrelid = target AND a.attname = key_column AND a.attnum > 0 AND NOT a.attisdropped;
    IF key_attnum IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_column',
            MESSAGE = format('table %s has no column %s (names are matched as written, case included)',
                             target_name, key_column);
    END IF;
    IF key_type NOT IN ('integer', 'bigint', 'text', 'uuid') THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('column %s of %s is of type %s; a key must be integer, bigint, text or uuid',
                             key_column, target_name, key_type);
    END IF;
    -- A key names one row for ever: the primary key, or a unique index on that column alone,
    -- over every row, of a column that is never NULL.
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_index AS i JOIN pg_catalog.pg_attribute AS a
                                   ON a.attrelid = i.indrelid AND a.attnum = key_attnum
                    WHERE i.indrelid = target AND i.indisunique AND i.indnkeyatts = 1
                      AND i.indkey[0] = key_attnum AND i.indpred IS NULL AND i.indexprs IS NULL
                      AND (i.indisprimary OR a.attnotnull)) THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('column %s of %s is neither its primary key nor unique and NOT NULL: it cannot name'
                             ' one row', key_column, target_name);
    END IF;
    SELECT coalesce(array_agg(a.attname::text ORDER BY a.attnum), '{}') INTO documents
      FROM pg_catalog.pg_attribute AS a
     WHERE a.attrelid = target AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid IN ('json'::regtype, 'jsonb'::regtype);

    INSERT INTO custodian.adopted_tables (table_name, table_schema, key_column, key_type, document_columns, since,
                                          adopted_by)
    VALUES (target_name, target_schema, key_column, key_type, documents, now(), adopted_by);
    -- Each row as it is now: its first snapshot, after whatever history an earlier adoption left.
    EXECUTE format($insert$
        INSERT INTO custodian.changes (table_name, row_key, version, at, actor, request_id, source, op, changes, undo,
                                       snapshot, claimed_actor)
        SELECT $1, r.state ->> $2,
               coalesce((SELECT max(c.version) FROM custodian.changes AS c
                          WHERE c.table_name = $1 COLLATE "default"
                            AND c.row_key = r.state ->> $2 COLLATE "default"), 0) + 1,
               now(), custodian_change_actor(), nullif(current_setting('custodian.request_id', true), ''),
               custodian_change_source(), 'adopt', jsonb_build_array(custodian_history_replace('', r.state)), '[]',
               r.state, custodian_change_claimed_actor()
          FROM (SELECT to_jsonb(t) AS state FROM %s AS t) AS r
        $insert$, target) USING target_name, key_column;
    GET DIAGNOSTICS recorded = ROW_COUNT;

    EXECUTE format('CREATE TRIGGER custodian_40_write BEFORE UPDATE ON %s FOR EACH ROW'
                   ' EXECUTE FUNCTION custodian.custodian_adopted_write(%L, %L)', target, key_column, documents::text);
    EXECUTE format('CREATE TRIGGER custodian_50_history AFTER INSERT OR DELETE ON %s FOR EACH ROW'
                   ' EXECUTE FUNCTION custodian.custodian_adopted_record(%L)', target, key_column);
    EXECUTE format('CREATE TRIGGER custodian_90_guard_bulk_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS touched_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION %s', target, custodian.custodian_adopted_guard('custodian_guard_bulk'));
    EXECUTE format('CREATE TRIGGER custodian_90_guard_bulk_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS touched_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION %s', target, custodian.custodian_adopted_guard('custodian_guard_bulk'));
    EXECUTE format('CREATE TRIGGER custodian_90_guard_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT'
                   ' EXECUTE FUNCTION %s', target, custodian.custodian_adopted_guard('custodian_guard_truncate'));
    EXECUTE format('CREATE TRIGGER custodian_95_history_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT'
                   ' EXECUTE FUNCTION custodian.custodian_adopted_record_truncate(%L)', target, key_column);
    RETURN recorded;
END $$;

-- Takes the protection off a table: its triggers and its registry row. Its history stays.
CREATE OR REPLACE FUNCTION custodian.custodian_unadopt(name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    adopted custodian.adopted_tables;
    target regclass;
    trigger_name text;
BEGIN
    SELECT * INTO adopted FROM custodian.adopted_tables AS a WHERE a.table_name = name;
    IF adopted.table_name IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = format('table %s is not adopted (adopt --status lists the adopted tables)', name);
    END IF;
    target := to_regclass(format('%I.%I', adopted.table_schema, adopted.table_name));
    IF target IS NOT NULL THEN
        FOREACH trigger_name IN ARRAY ARRAY['custodian_40_write', 'custodian_50_history', 'custodian_90_guard_bulk_update',
                                            'custodian_90_guard_bulk_delete', 'custodian_90_guard_truncate',
                                            'custodian_95_history_truncate'] LOOP
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', trigger_name, target);
        END LOOP;
    END IF;
    DELETE FROM custodian.adopted_tables AS a WHERE a.table_name = name;
END $$;

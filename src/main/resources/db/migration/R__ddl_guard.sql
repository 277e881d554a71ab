-- The DDL guard: PostgreSQL itself refuses a command that would drop or change Custodian's
-- schema, whoever runs it, unless the transaction confirmed it with
-- SET LOCAL custodian.allow_ddl = 'on'. The accident it exists for: an application's ORM,
-- synchronising "its" models against the same database, made users.name nullable (every write
-- then failed), or ran DROP TABLE users CASCADE (rows, guards and history gone).
-- docs/guards.md is the operator's manual.
--
-- Its error has its own SQLSTATE, CU003 (class CU is Custodian's; CU001 and CU002 are the row
-- guards of V2__guards.sql).
--
-- Custodian's objects:
--   * the schema Flyway migrates, ${flyway:defaultSchema}, and the tables of it that
--     custodian_ddl_guard.guarded_tables() names;
--   * the tables adopted from other applications (custodian adopt, docs/adopting.md);
--   * what belongs to those tables: columns, indexes, constraints, triggers, column defaults,
--     identity sequences, rules;
--   * the functions and domains of that schema named custodian_* (a domain holds the rules of
--     the columns of its type), and the guard's own schema.
-- Everything else is left alone: other applications' tables, other schemas (a backup
-- verification restores into a scratch schema), temporary tables, and new objects (an index or
-- trigger added to users, a new function). Adding an index, commenting, granting and reindexing
-- pass; so does creating a trigger on users, though dropping it afterwards is refused.
--
-- Three event triggers work together:
--   custodian_ddl_guard_start  ddl_command_start  note()   notes which objects are Custodian's
--   custodian_ddl_guard_drop   sql_drop           judge()  refuses a command that dropped one
--   custodian_ddl_guard_end    ddl_command_end    judge()  refuses a command that changed one
-- The note is taken before the command runs because afterwards the catalog cannot tell: a
-- dropped index no longer says which table it indexed, and a renamed table no longer has the
-- name it is guarded by. The note is a list of object ids, kept in a transaction-local setting.
-- A refusal raises an error, which aborts the command and rolls back everything it did.
--
-- The guard's functions live in a schema of their own, custodian_ddl_guard, and not beside the
-- tables: an event trigger dropped by the very command it should judge never fires, so
-- DROP SCHEMA ${flyway:defaultSchema} CASCADE would otherwise remove the guard with everything
-- else and succeed.
--
-- Only a superuser may create event triggers, and only a superuser may own what they run: an
-- event trigger function runs with the rights of whoever issues DDL, superusers included, so
-- whoever could replace it could act as them. Everything below is therefore created only when
-- a superuser runs the migrations, and owned by that superuser (out of reach of a DROP OWNED BY
-- the service's role, too); for any other role this file does nothing, the service warns at
-- start and GET /health/ready reports it. Flyway runs this file again whenever that changes
-- (the role running the migrations is now: ${ddlGuardInstaller}), so a superuser's first run
-- installs the guard. custodian_ddl_guard.install() is called here and again at every start of
-- the service by a superuser, which puts back event triggers someone dropped or disabled.

DO $guard$
BEGIN
    IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = current_user) THEN
        RAISE NOTICE 'the DDL guard is not installed: role % may not create event triggers (only a superuser may)',
            current_user;
        RETURN;
    END IF;

    CREATE SCHEMA IF NOT EXISTS custodian_ddl_guard;
    -- Every role's DDL runs the guard's functions, with that role's rights.
    GRANT USAGE ON SCHEMA custodian_ddl_guard TO PUBLIC;

    -- The tables the migrations create, Flyway's own history among them. A test checks that a
    -- freshly migrated database holds no other table: a migration that adds one adds it here.
    CREATE OR REPLACE FUNCTION custodian_ddl_guard.guarded_tables() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT ARRAY['users', 'user_changes', 'api_tokens', 'api_token_revocations', 'erasures', 'scheduled_runs',
                     'jobs', '${flyway:table}', 'adopted_tables', 'changes']
    $fn$;

    -- The tables adopted from other applications, wherever they live, as custodian.adopted_tables
    -- lists them. With its owner's (a superuser's) rights: the guard runs with the rights of
    -- whoever issues DDL, who need not be able to read the registry.
    CREATE OR REPLACE FUNCTION custodian_ddl_guard.adopted_tables() RETURNS oid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
    DECLARE
        adopted oid[];
    BEGIN
        IF to_regclass('custodian.adopted_tables') IS NULL THEN
            RETURN '{}';
        END IF;
        EXECUTE 'SELECT coalesce(array_agg(c.oid), ''{}'')
                   FROM custodian.adopted_tables AS a
                   JOIN pg_catalog.pg_namespace AS n ON n.nspname = a.table_schema
                   JOIN pg_catalog.pg_class AS c ON c.relnamespace = n.oid AND c.relname = a.table_name'
           INTO adopted;
        RETURN adopted;
    END $fn$;

    -- Whether the transaction confirmed a change of Custodian's schema. Only exactly 'on' does;
    -- unset reads as NULL, and a setting a finished transaction set locally reads as ''.
    CREATE OR REPLACE FUNCTION custodian_ddl_guard.allowed() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
        SELECT coalesce(current_setting('custodian.allow_ddl', true) = 'on', false)
    $fn$;

    -- Custodian's objects as they are now, each as 'classid:objid' (the catalog that holds it and
    -- its id there), the form in which pg_event_trigger_ddl_commands() and
    -- pg_event_trigger_dropped_objects() name what a command touched.
    --   What belongs to a table depends on it automatically or internally (pg_depend.deptype 'a'
    --   or 'i'); a view of another application that reads users depends on it normally ('n') and
    --   stays that application's. An index backing a constraint depends on the constraint, hence
    --   the indexes are listed from pg_index.
    CREATE OR REPLACE FUNCTION custodian_ddl_guard.guarded_objects() RETURNS text[]
    LANGUAGE sql STABLE AS $fn$
        WITH home AS (
            SELECT n.oid FROM pg_catalog.pg_namespace AS n WHERE n.nspname = '${flyway:defaultSchema}'
        ), guard AS (
            SELECT n.oid FROM pg_catalog.pg_namespace AS n WHERE n.nspname = 'custodian_ddl_guard'
        ), guarded_table AS (
            SELECT c.oid FROM pg_catalog.pg_class AS c JOIN home ON c.relnamespace = home.oid
             WHERE c.relname = ANY (custodian_ddl_guard.guarded_tables())
            UNION
            SELECT unnest(custodian_ddl_guard.adopted_tables())
        )
        SELECT coalesce(array_agg(DISTINCT o.classid::oid || ':' || o.objid), '{}')
          FROM (SELECT 'pg_catalog.pg_namespace'::regclass, home.oid FROM home
                UNION ALL
                SELECT 'pg_catalog.pg_namespace'::regclass, guard.oid FROM guard
                UNION ALL
                SELECT 'pg_catalog.pg_class'::regclass, t.oid FROM guarded_table AS t
                UNION ALL
                SELECT d.classid, d.objid
                  FROM pg_catalog.pg_depend AS d JOIN guarded_table AS t ON d.refobjid = t.oid
                 WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
                UNION ALL
                SELECT 'pg_catalog.pg_class'::regclass, i.indexrelid
                  FROM pg_catalog.pg_index AS i JOIN guarded_table AS t ON i.indrelid = t.oid
                UNION ALL
                SELECT 'pg_catalog.pg_proc'::regclass, p.oid
                  FROM pg_catalog.pg_proc AS p JOIN home ON p.pronamespace = home.oid
                 WHERE p.proname LIKE 'custodian\_%'
                UNION ALL
                SELECT 'pg_catalog.pg_type'::regclass, t.oid
                  FROM pg_catalog.pg_type AS t JOIN home ON t.typnamespace = home.oid
                 WHERE t.typname LIKE 'custodian\_%' AND t.typtype = 'd'
                UNION ALL
                SELECT 'pg_catalog.pg_proc'::regclass, p.oid
                  FROM pg_catalog.pg_proc AS p JOIN guard ON p.pronamespace = guard.oid) AS o(classid, objid)
    $fn$;

    -- What the start trigger noted for the command that is running. It always notes first; looking
    -- again is only a safety net. PL/pgSQL, so that guarded_objects() is looked up only then: a
    -- command dropping that very function must still be judged from the note.
    CREATE OR REPLACE FUNCTION custodian_ddl_guard.noted_objects() RETURNS text[]
    LANGUAGE plpgsql STABLE AS $fn$
    DECLARE
        noted text[] := nullif(current_setting('custodian.ddl_guarded_objects', true), '')::text[];
    BEGIN
        IF noted IS NULL THEN
            noted := custodian_ddl_guard.guarded_objects();
        END IF;
        RETURN noted;
    END $fn$;

    -- Raises the guard's error; one place for its wording. objects are what the command would drop
    -- or change, the one it named first.
    CREATE OR REPLACE FUNCTION custodian_ddl_guard.refuse(command text, objects text[]) RETURNS void
    LANGUAGE plpgsql AS $fn$
    DECLARE
        others int := cardinality(objects) - 1;
    BEGIN
        RAISE EXCEPTION USING
            ERRCODE = 'CU003',
            MESSAGE = format('%s refused: %s is one of Custodian''s objects%s', command, objects[1],
                             CASE WHEN others > 0 THEN format(' (and %s more of them would be affected)', others)
                                  ELSE '' END),
            -- Machine-readable: the first 20 objects, and how many more.
            DETAIL = json_build_object('command', command, 'objects', objects[1:20],
                                       'more', greatest(cardinality(objects) - 20, 0))::text,
            HINT = 'If the change is intended, run SET LOCAL custodian.allow_ddl = ''on'' in the same transaction first.';
    END $fn$;

    -- The event trigger functions run in whatever session issues DDL, under its search path: each
    -- pins its own, so that it finds the guard's functions and the catalog's own tables.
    CREATE OR REPLACE FUNCTION custodian_ddl_guard.note() RETURNS event_trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, custodian_ddl_guard, pg_temp AS $fn$
    BEGIN
        IF NOT allowed() THEN
            PERFORM set_config('custodian.ddl_guarded_objects', guarded_objects()::text, true);
        END IF;
    END $fn$;

    -- Judges a command once it is done, still inside it, so that the error undoes it:
    --   sql_drop         fires once objects are gone from the catalog. A DROP ... CASCADE, a DROP
    --                    SCHEMA or a DROP OWNED lists every object it reached; originally named
    --                    objects come first, so the message names what the command named.
    --   ddl_command_end  fires after a command changed the catalog. It changes one of Custodian's
    --                    objects when it names it (ALTER TABLE users, including ENABLE and DISABLE
    --                    TRIGGER; CREATE OR REPLACE or ALTER of a custodian_* function; a rename) or
    --                    adds a rule to a guarded table (a rule can make writes do something else,
    --                    or nothing). Commands that change no definition pass.
    CREATE OR REPLACE FUNCTION custodian_ddl_guard.judge() RETURNS event_trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, custodian_ddl_guard, pg_temp AS $fn$
    DECLARE
        guarded text[];
        hit text[];
    BEGIN
        IF allowed() THEN
            RETURN;
        END IF;
        guarded := noted_objects();
        IF tg_event = 'sql_drop' THEN
            SELECT array_agg(d.object_type || ' ' || d.object_identity ORDER BY d.original DESC, d.ordinality)
              INTO hit
              FROM pg_event_trigger_dropped_objects() WITH ORDINALITY AS d
             WHERE d.classid::oid || ':' || d.objid = ANY (guarded);
        ELSE
            SELECT array_agg(c.object_type || ' ' || c.object_identity)
              INTO hit
              FROM pg_event_trigger_ddl_commands() AS c
             WHERE c.command_tag NOT IN ('COMMENT', 'GRANT', 'REVOKE', 'SECURITY LABEL', 'REINDEX')
               AND (c.classid::oid || ':' || c.objid = ANY (guarded)
                    OR EXISTS (SELECT FROM pg_catalog.pg_rewrite AS r
                                WHERE c.classid = 'pg_rewrite'::regclass AND r.oid = c.objid
                                  AND 'pg_class'::regclass::oid || ':' || r.ev_class = ANY (guarded)));
        END IF;
        IF hit IS NOT NULL THEN
            PERFORM refuse(tg_tag, hit);
        END IF;
    END $fn$;

    -- Creates the event triggers afresh, which also re-enables one that was disabled. Several
    -- instances of the service may start at once; the lock lets one at a time replace them.
    CREATE OR REPLACE FUNCTION custodian_ddl_guard.install() RETURNS void
    LANGUAGE plpgsql AS $fn$
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('custodian_ddl_guard.install'));
        DROP EVENT TRIGGER IF EXISTS custodian_ddl_guard_start;
        DROP EVENT TRIGGER IF EXISTS custodian_ddl_guard_drop;
        DROP EVENT TRIGGER IF EXISTS custodian_ddl_guard_end;
        CREATE EVENT TRIGGER custodian_ddl_guard_start ON ddl_command_start
            EXECUTE FUNCTION custodian_ddl_guard.note();
        CREATE EVENT TRIGGER custodian_ddl_guard_drop ON sql_drop
            EXECUTE FUNCTION custodian_ddl_guard.judge();
        CREATE EVENT TRIGGER custodian_ddl_guard_end ON ddl_command_end
            EXECUTE FUNCTION custodian_ddl_guard.judge();
    END $fn$;

    PERFORM custodian_ddl_guard.install();
END $guard$;

-- Runs after every migrate (a Flyway callback, not a migration: it has no version and no
-- checksum). Custodian's trigger functions fire in whatever session writes its tables, under
-- that session's search path: an application's connection, a psql session, a migration of
-- another tool. Their bodies name Custodian's tables and functions without a schema, so each is
-- pinned to Custodian's schema (pg_temp last, as for the SECURITY DEFINER ones): it then finds
-- custodian.users and never an application's public.users, whatever the session's path.
-- Functions the service calls are not pinned: its connections resolve Custodian's schema first,
-- and a pinned SQL function could no longer be inlined. Nor is custodian_guard_bulk, the one
-- trigger function that names everything it calls with Custodian's schema (R__guards.sql says
-- why).
--
-- CREATE OR REPLACE FUNCTION drops a pin, so the repeatable migrations that define trigger
-- functions leave them unpinned until this runs again, right after them; functions already
-- pinned are left alone, so an ordinary start changes nothing.
DO $pin$
DECLARE
    pinned constant text := format('search_path=%s, pg_temp', quote_ident(current_schema()));
    trigger_function text;
BEGIN
    FOR trigger_function IN
        SELECT p.oid::regprocedure::text
          FROM pg_catalog.pg_proc AS p
         WHERE p.pronamespace = current_schema()::regnamespace
           AND p.prorettype = 'pg_catalog.trigger'::regtype
           AND p.proname <> 'custodian_guard_bulk'
           AND NOT coalesce(pinned = ANY (p.proconfig), false)
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', trigger_function, current_schema());
    END LOOP;
END $pin$;

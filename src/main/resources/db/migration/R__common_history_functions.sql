-- History functions shared by every table whose changes Custodian records: Custodian's own
-- users (R__history.sql, R__users.sql) and the tables it adopted from other applications
-- (R__tables_adopted.sql). They read no table of their own, so `custodian adopt` installs this file
-- as it is into a database that is not Custodian's (docs/adopting.md). The name sorts before
-- the other repeatable files, so they can rely on these.
-- Repeatable: Flyway runs this file again whenever it changes, after every versioned
-- migration, so each statement replaces in place.

-- One replace operation at path; the building block of the trigger's diffs.
CREATE OR REPLACE FUNCTION custodian_history_replace(path text, value jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('op', 'replace', 'path', path, 'value', value)
$$;

-- The one operation that turns the member at path from was into now (SQL NULL: absent): add,
-- remove or replace. Its undo is the same function the other way: (now, was). Inlined where
-- it is used.
CREATE OR REPLACE FUNCTION custodian_history_op(was jsonb, now jsonb, path text) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN was IS NULL THEN jsonb_build_object('op', 'add', 'path', path, 'value', now)
                WHEN now IS NULL THEN jsonb_build_object('op', 'remove', 'path', path)
                ELSE custodian_history_replace(path, now) END
$$;

-- The RFC 6902 operations between two JSON values, both ways: changes turn old into new, undo
-- turns new back into old. Objects are compared key by key at every depth; arrays and scalars
-- that differ are replaced whole. Paths start at "at" (for example '/data'), and keys are
-- escaped as RFC 6901 section 4 says: '~' becomes '~0', then '/' becomes '~1'.
--
-- Cost grows with the documents once and with the change otherwise: one query walks the keys
-- of both objects in C and aggregates the operations of the members that differ, in key order;
-- only a member that is an object on both sides is diffed again, deeper. Both documents are read into memory once first
-- (custodian_in_memory), not at every -> (measured: a one-key change of a 10,000-key document
-- took half a second that way).
-- Operators can call it too:  SELECT * FROM custodian_history_diff(a.data, b.data, '/data');
CREATE OR REPLACE FUNCTION custodian_history_diff(old jsonb, new jsonb, at text DEFAULT '',
                                                  OUT changes jsonb, OUT undo jsonb)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    IF old IS NOT DISTINCT FROM new THEN
        changes := '[]';
        undo := '[]';
        RETURN;
    END IF;
    IF jsonb_typeof(old) IS DISTINCT FROM 'object' OR jsonb_typeof(new) IS DISTINCT FROM 'object' THEN
        changes := jsonb_build_array(custodian_history_replace(at, new));
        undo := jsonb_build_array(custodian_history_replace(at, old));
        RETURN;
    END IF;
    old := custodian_in_memory(old);
    new := custodian_in_memory(new);
    -- One element per member that differs, in key order: an operation, or for two objects the
    -- array of their own operations, which the lax JSON path "$[*][*]" flattens in place.
    SELECT jsonb_path_query_array(coalesce(jsonb_agg(coalesce(m.inner_diff -> 0, custodian_history_op(m.was, m.now, m.path))
                                                     ORDER BY m.n), '[]'), 'lax $[*][*]'),
           jsonb_path_query_array(coalesce(jsonb_agg(coalesce(m.inner_diff -> 1, custodian_history_op(m.now, m.was, m.path))
                                                     ORDER BY m.n), '[]'), 'lax $[*][*]')
      INTO changes, undo
      FROM (SELECT d.*, CASE WHEN jsonb_typeof(d.was) = 'object' AND jsonb_typeof(d.now) = 'object'
                             THEN (SELECT jsonb_build_array(i.changes, i.undo)
                                     FROM custodian_history_diff(d.was, d.now, d.path) AS i) END AS inner_diff
              FROM (SELECT k.n, old -> k.key AS was, new -> k.key AS now,
                           at || '/' || custodian_pointer_token(k.key) AS path
                      FROM jsonb_object_keys(old || new) WITH ORDINALITY AS k(key, n)
                     WHERE (old -> k.key) IS DISTINCT FROM (new -> k.key)) AS d) AS m;
END $$;

COMMENT ON FUNCTION custodian_history_diff(jsonb, jsonb, text) IS
    'RFC 6902 operations from old to new (changes) and back (undo); objects key by key, arrays and scalars whole. See docs/history.md.';

-- Who made a change, as history records it. Only the service may say who: a session whose role
-- is a member of custodian_service (V8__service_role.sql) is recorded with the actor it declared
-- in custodian.actor (the service declares token:<name>) and source 'api'. Any other session is
-- recorded as source 'sql' and actor 'sql:<session user>', and the actor it declared, if any,
-- is kept as claimed_actor: said, not proven.
--
-- The session user, not the current user: these functions run inside the SECURITY DEFINER
-- trigger functions below, where the current user is their owner; and SET ROLE cannot lend a
-- session a membership its login role lacks (a role may only be SET to roles it is a member
-- of, and membership is transitive). A superuser passes every membership check, as it passes
-- every permission check: it can declare any actor, as it could also edit user_changes.
--
-- Computed on every call, not remembered: a setting would be the cheap place, but every session
-- may write every custodian.* setting, so it would be forgeable. pg_has_role reads a membership
-- list PostgreSQL keeps per backend until pg_auth_members changes; to_regrole is one cache
-- lookup. A role custodian_service that does not exist (no role could create it) makes every
-- session a non-member: nothing is recorded as proven that was not checked.
-- This is the one definition of "the session is the service"; other functions ask it.
CREATE OR REPLACE FUNCTION custodian_session_is_service() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(pg_has_role(session_user, to_regrole('custodian_service'), 'MEMBER'), false)
$$;

COMMENT ON FUNCTION custodian_session_is_service() IS
    'Whether the session''s login role is a member of custodian_service, the only kind of session whose custodian.actor history trusts. See docs/access.md.';

-- The actor declared with custodian.actor, '' and unset alike read as none.
CREATE OR REPLACE FUNCTION custodian_declared_actor() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(current_setting('custodian.actor', true), '')
$$;

CREATE OR REPLACE FUNCTION custodian_change_actor() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(CASE WHEN custodian_session_is_service() THEN custodian_declared_actor() END,
                    'sql:' || session_user)
$$;

CREATE OR REPLACE FUNCTION custodian_change_source() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN custodian_declared_actor() IS NOT NULL AND custodian_session_is_service() THEN 'api' ELSE 'sql' END
$$;

CREATE OR REPLACE FUNCTION custodian_change_claimed_actor() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN NOT custodian_session_is_service() THEN custodian_declared_actor() END
$$;

-- Makes a trigger function that writes user_changes run with its owner's rights, whoever fires
-- it: a role that may write users (custodian db grant-app) needs no right on user_changes, so it
-- cannot add, change or remove history by itself. The search path is fixed to Custodian's
-- schema, pg_temp last, as https://www.postgresql.org/docs/current/sql-createfunction.html
-- ("Writing SECURITY DEFINER Functions Safely") asks: the function then finds only Custodian's
-- own tables and functions, never a caller's temporary table or function of the same name.
-- Called after each such function is (re)created, by the file that creates it; CREATE OR
-- REPLACE would otherwise leave it running with the caller's rights.
CREATE OR REPLACE FUNCTION custodian_run_as_owner(trigger_function regprocedure) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = %I, pg_temp',
                   trigger_function, current_schema());
END $$;

-- History capture: every INSERT, UPDATE and DELETE on users, whoever makes it (the service, an
-- ORM, a script, psql), is recorded by the database itself as a diff in user_changes.
-- docs/history.md is the operator's manual. The table is created by V3__history.sql.
-- Repeatable: Flyway runs this file again whenever it changes, after every versioned
-- migration, so each statement replaces in place.
--
-- A user's "state" is the document {"name", "email", "data", "deleted"} (deleted: a boolean,
-- true once deleted_at is set), or JSON null when there is no row (before the first INSERT,
-- after a hard DELETE). Each entry holds RFC 6902 operations both ways between the state before
-- and after it, plus a full snapshot now and then, so any version can be rebuilt from the
-- nearest snapshot at or before it with at most 99 steps forward.
--
-- The triggers that call these functions are declared in R__users.sql, in firing order:
-- users_40_write records an UPDATE, users_50_history an INSERT or DELETE, and
-- users_95_history_truncate a delete per row of a confirmed TRUNCATE.

-- The rules every entry of user_changes keeps are the domains of its columns
-- (V17__history_entry_domains.sql); the function its CHECK constraint called before them goes.
DROP FUNCTION IF EXISTS custodian_history_entry_rules(text, text, jsonb, jsonb);

-- The state of a user row as history describes it. STABLE, as jsonb_build_object is.
CREATE OR REPLACE FUNCTION custodian_history_state(u users) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('name', u.name, 'email', u.email, 'data', u.data,
                              'deleted', u.deleted_at IS NOT NULL)
$$;

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

-- The actor, source and claimed actor of a change, given the answer of
-- custodian_session_is_service() for the session making it. The trigger that records an UPDATE
-- asks that question once per row and passes the answer to all three, instead of asking three
-- times (measured: each ask is a role lookup and a membership check, about 1.5% of a write).
-- The answer is never kept beyond the row: a kept answer would have to live in a setting, and
-- every session may write every custodian.* setting, so it would be forgeable.
CREATE OR REPLACE FUNCTION custodian_change_actor(service boolean) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(CASE WHEN service THEN custodian_declared_actor() END, 'sql:' || session_user)
$$;

CREATE OR REPLACE FUNCTION custodian_change_source(service boolean) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN custodian_declared_actor() IS NOT NULL AND service THEN 'api' ELSE 'sql' END
$$;

CREATE OR REPLACE FUNCTION custodian_change_claimed_actor(service boolean) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN NOT service THEN custodian_declared_actor() END
$$;

-- The same, asking custodian_session_is_service() itself: for statements that record a change
-- without a row trigger's one ask at hand.
CREATE OR REPLACE FUNCTION custodian_change_actor() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT custodian_change_actor(custodian_session_is_service())
$$;

CREATE OR REPLACE FUNCTION custodian_change_source() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT custodian_change_source(custodian_session_is_service())
$$;

CREATE OR REPLACE FUNCTION custodian_change_claimed_actor() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT custodian_change_claimed_actor(custodian_session_is_service())
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

-- Appends one entry to user_changes with the transaction's context (SET LOCAL custodian.*,
-- read with current_setting(name, true): unset reads as NULL, and a setting a finished
-- transaction set locally reads as '' afterwards, hence nullif). custodian.op, when declared,
-- names the operation (revert, rollback, restore, replace); otherwise default_op does.
CREATE OR REPLACE FUNCTION custodian_history_append(user_id bigint, version bigint, at timestamptz,
                                                    default_op text, changes jsonb, undo jsonb,
                                                    snapshot jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_changes (user_id, version, at, actor, request_id, source, op, changes, undo, snapshot,
                              claimed_actor)
    VALUES (user_id, version, at, custodian_change_actor(),
            nullif(current_setting('custodian.request_id', true), ''), custodian_change_source(),
            coalesce(nullif(current_setting('custodian.op', true), ''), default_op),
            changes, undo, snapshot, custodian_change_claimed_actor());
END $$;

-- The capture of INSERT and DELETE (users_50_history); UPDATEs are recorded by the write
-- trigger users_40_write, which has the diff at hand. A created user's entry holds its whole
-- state; a deleted one's undo holds everything needed to bring it back.
CREATE OR REPLACE FUNCTION custodian_history_record() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    state jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        state := custodian_history_state(NEW);
        PERFORM custodian_history_append(NEW.id, NEW.version, NEW.updated_at, 'create',
                                         jsonb_build_array(custodian_history_replace('', state)),
                                         jsonb_build_array(custodian_history_replace('', 'null')), state);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM custodian_history_append(OLD.id, OLD.version + 1, now(), 'delete',
                                         jsonb_build_array(custodian_history_replace('', 'null')),
                                         jsonb_build_array(custodian_history_replace('', custodian_history_state(OLD))),
                                         'null');
    ELSE
        RAISE EXCEPTION 'custodian_history_record records INSERT and DELETE; users_40_write records UPDATE';
    END IF;
    RETURN NULL;
END $$;

-- TRUNCATE fires no row triggers: a confirmed one records a delete for every row, so each
-- user can still be brought back.
CREATE OR REPLACE FUNCTION custodian_history_record_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_changes (user_id, version, at, actor, request_id, source, op, changes, undo, snapshot,
                              claimed_actor)
    SELECT u.id, u.version + 1, now(), custodian_change_actor(),
           nullif(current_setting('custodian.request_id', true), ''), custodian_change_source(),
           coalesce(nullif(current_setting('custodian.op', true), ''), 'delete'),
           jsonb_build_array(custodian_history_replace('', 'null')),
           jsonb_build_array(custodian_history_replace('', custodian_history_state(u))),
           'null', custodian_change_claimed_actor()
      FROM users AS u;
    RETURN NULL;
END $$;

SELECT custodian_run_as_owner('custodian_history_record()');
SELECT custodian_run_as_owner('custodian_history_record_truncate()');

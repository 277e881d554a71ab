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

-- The state of a user row as history describes it. STABLE, as jsonb_build_object is.
CREATE OR REPLACE FUNCTION custodian_history_state(u users) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('name', u.name, 'email', u.email, 'data', u.data,
                              'deleted', u.deleted_at IS NOT NULL)
$$;

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

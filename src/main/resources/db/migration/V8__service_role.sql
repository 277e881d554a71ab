-- Who may say who: only a session whose role is a member of custodian_service may declare the
-- actor of a change (custodian.actor) and be recorded as source 'api'; any other session is
-- recorded as source 'sql', actor 'sql:<session user>', and what it claimed is kept apart, in
-- claimed_actor. R__history.sql decides it (custodian_session_is_service()); docs/access.md is
-- the operator's manual.
--
-- The role is NOLOGIN: nobody connects as it, a login role is made a member. Here that is the
-- role running the migrations, which is the role the service connects as.
--
-- Roles belong to the whole cluster, not to one database: every Custodian database of a cluster
-- shares this one, and several may migrate at once. Whoever loses the race to create it (or to
-- add the same member) gets a unique violation, or sees it done: both mean it is there.
--
-- A role that may not create roles or grant this one (no CREATEROLE, or on PostgreSQL 16 and
-- later no ADMIN OPTION on a role it did not create) leaves a NOTICE here and the migration
-- succeeds: the service then starts, warns in one line and GET /health/ready reports
-- "serviceRole": "off", and history records every change, the service's own too, as source
-- 'sql' with the token in claimed_actor, until an administrator runs the two statements the
-- warning names. A provenance that is not checked is never recorded as checked.
DO $$
BEGIN
    IF to_regrole('custodian_service') IS NULL THEN
        BEGIN
            CREATE ROLE custodian_service NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL; -- another database's migration created it meanwhile
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'role custodian_service was not created: role % may not create roles', session_user;
                RETURN;
        END;
    END IF;
    IF NOT pg_has_role(session_user, 'custodian_service', 'MEMBER') THEN
        BEGIN
            EXECUTE format('GRANT custodian_service TO %I', session_user);
        EXCEPTION
            WHEN unique_violation THEN
                NULL; -- another database's migration added the same member meanwhile
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'role % was not made a member of custodian_service: it may not grant that role',
                    session_user;
        END;
    END IF;
END $$;

ALTER TABLE user_changes ADD COLUMN claimed_actor text;

COMMENT ON COLUMN user_changes.actor IS
    'custodian.actor of the transaction when its session is a member of custodian_service (token:<name>), else sql:<session user>.';
COMMENT ON COLUMN user_changes.source IS
    'api when a member of custodian_service declared custodian.actor, else sql.';
COMMENT ON COLUMN user_changes.claimed_actor IS
    'custodian.actor declared by a session that is not a member of custodian_service: claimed, not proven.';

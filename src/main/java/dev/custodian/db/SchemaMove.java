package dev.custodian.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Makes sure {@link CustodianSchema} exists before Flyway runs, and moves a database of an
 * earlier version (every object in {@code public}, up to V12) into it: tables with their rows,
 * indexes, constraints, identity sequences (and their positions), triggers and grants; the
 * {@code custodian_*} functions; and Flyway's history table, so that Flyway finds V1..V12
 * applied where it now looks and runs only what is new.
 *
 * <p>Why a step of its own before Flyway, and not a migration or a Flyway callback: Flyway
 * reads its history from the one schema it is configured with, and decides from it, before any
 * migration or beforeMigrate callback runs, whether that schema is new; a migration cannot move
 * the very table its own success is recorded in. So the move happens first, in one transaction
 * (a failure leaves the database as it was, in {@code public}), under an advisory lock: a second
 * instance starting at the same time waits, then finds the move done and does nothing.
 *
 * <p>Only a database whose {@code public.flyway_schema_history} records Custodian's own first
 * migration is moved: an application's tables in {@code public}, its own Flyway history
 * included, are never touched. Stateless; thread-safe.
 */
final class SchemaMove {
    /** Taken for the transaction: one instance moves, the others wait and then see it done. */
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('custodian.schema_move'))";
    /** The move changes Custodian's objects on purpose: the DDL guard lets this transaction do it. */
    private static final String DECLARE_DDL = "SET LOCAL custodian.allow_ddl = 'on'";
    /**
     * ALTER TABLE ... SET SCHEMA takes along everything that belongs to a table (indexes,
     * constraints, owned sequences, triggers, its row type) and keeps every OID, so triggers
     * still call the same functions and a function taking a {@code users} row still takes it.
     * Functions that pinned {@code search_path} to public (SECURITY DEFINER ones) are pinned to
     * the new schema; roles that were granted a moved table may still reach it.
     */
    private static final String MOVE = """
            DO $move$
            DECLARE
                tables constant text[] := ARRAY['users', 'user_changes', 'api_tokens', 'api_token_revocations',
                                                'erasures', 'scheduled_runs', 'jobs', 'flyway_schema_history'];
                item text;
            BEGIN
                CREATE SCHEMA IF NOT EXISTS %1$s;
                IF to_regclass('%1$s.flyway_schema_history') IS NOT NULL
                   OR to_regclass('public.flyway_schema_history') IS NULL
                   OR to_regclass('public.user_changes') IS NULL THEN
                    RETURN;
                END IF;
                IF NOT EXISTS (SELECT FROM public.flyway_schema_history
                                WHERE version = '1' AND script = 'V1__users.sql' AND success) THEN
                    RETURN;
                END IF;
                RAISE NOTICE 'moving Custodian''s objects from schema public to schema %1$s';
                FOR item IN
                    SELECT c.relname FROM pg_catalog.pg_class AS c
                     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                       AND c.relname = ANY (tables)
                LOOP
                    EXECUTE format('ALTER TABLE public.%%I SET SCHEMA %1$s', item);
                END LOOP;
                FOR item IN
                    SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc AS p
                     WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'custodian\\_%%'
                       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend AS d
                                        WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                                          AND d.deptype = 'e')
                LOOP
                    EXECUTE format('ALTER FUNCTION %%s SET SCHEMA %1$s', item);
                END LOOP;
                FOR item IN
                    SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc AS p
                     WHERE p.pronamespace = '%1$s'::regnamespace AND 'search_path=public, pg_temp' = ANY (p.proconfig)
                LOOP
                    EXECUTE format('ALTER FUNCTION %%s SET search_path = %1$s, pg_temp', item);
                END LOOP;
                FOR item IN
                    SELECT DISTINCT a.grantee::regrole::text
                      FROM pg_catalog.pg_class AS c, aclexplode(c.relacl) AS a
                     WHERE c.relnamespace = '%1$s'::regnamespace AND a.grantee <> 0 AND a.grantee <> c.relowner
                LOOP
                    EXECUTE format('GRANT USAGE ON SCHEMA %1$s TO %%s', item);
                END LOOP;
            END $move$
            """.formatted(CustodianSchema.NAME);

    private SchemaMove() {
    }

    /** Creates the schema when missing and moves an earlier version's objects into it, in one transaction. */
    static void run(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute(LOCK);
                statement.execute(DECLARE_DDL);
                statement.execute(MOVE);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare schema " + CustodianSchema.NAME + ": " + e.getMessage(), e);
        }
    }
}

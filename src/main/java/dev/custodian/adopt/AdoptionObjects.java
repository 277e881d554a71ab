package dev.custodian.adopt;

import dev.custodian.db.SqlFile;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * What adopting needs in a database, and where it comes from. A Custodian database has it from
 * its migrations (V14__adopted_tables.sql, R__tables_adopted.sql). Another application's
 * database has no Custodian there: adopting installs into the schema {@code custodian} just the
 * migration files adoption runs on, read from the same files, each time (they replace in place):
 * the JSON, history and guard functions that guard {@code users} too, the registry and history
 * tables, the adoption triggers, and the DDL guard when a superuser adopts. Nothing of Custodian's service (its users, tokens, jobs)
 * goes there. Stateless; thread-safe.
 */
final class AdoptionObjects {
    /** In the order Flyway runs them in a Custodian database: each may rely on those before it. */
    private static final List<String> FILES = List.of("R__common_history_functions.sql",
            "R__common_json_functions.sql", "R__guards.sql", "V14__adopted_tables.sql", "R__tables_adopted.sql");

    /** Whether the database is a Custodian service database, migrated by Flyway. */
    private static final String IS_CUSTODIAN = """
            SELECT to_regclass('flyway_schema_history') IS NOT NULL AND to_regprocedure('custodian_write_row()') IS NOT NULL
            """;

    private static final String DDL_GUARD_ON = """
            SELECT count(*) = 3 FROM pg_catalog.pg_event_trigger
             WHERE evtname IN ('custodian_ddl_guard_start', 'custodian_ddl_guard_drop', 'custodian_ddl_guard_end')
               AND evtenabled <> 'D'
            """;

    /** Whether adoption's objects are there at all, whoever installed them. */
    private static final String INSTALLED = "SELECT to_regclass('custodian.adopted_tables') IS NOT NULL";

    /**
     * The bulk and TRUNCATE guards would run with the rights and the search path of whoever
     * writes the adopted table, who needs no right in the schema custodian and does not search
     * it: installed there, they run with their owner's rights, and are told where to find the
     * functions they call.
     */
    private static final String GUARDS_FIND_THEIR_FUNCTIONS = """
            ALTER FUNCTION custodian.custodian_guard_bulk() SECURITY DEFINER SET search_path = custodian, pg_temp;
            ALTER FUNCTION custodian.custodian_guard_truncate() SECURITY DEFINER SET search_path = custodian, pg_temp
            """;

    private AdoptionObjects() {
    }

    static boolean isCustodianDatabase(Connection connection) throws SQLException {
        return ask(connection, IS_CUSTODIAN);
    }

    static boolean installed(Connection connection) throws SQLException {
        return ask(connection, INSTALLED);
    }

    /** Installs (or brings up to date) adoption's objects in the schema custodian, in the caller's transaction. */
    static void install(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS custodian");
            statement.execute("SET LOCAL search_path = custodian");
            // A function may call one its file creates further down, as in Flyway's runs, where
            // the earlier migrations created it first: bodies are checked when called, as
            // pg_dump's restores do.
            statement.execute("SET LOCAL check_function_bodies = off");
            for (String file : FILES) {
                statement.execute(SqlFile.load(AdoptionObjects.class, "/db/migration/" + file));
            }
            statement.execute(GUARDS_FIND_THEIR_FUNCTIONS);
            statement.execute(ddlGuard());
            statement.execute("RESET check_function_bodies");
            statement.execute("RESET search_path");
        }
    }

    /**
     * Whether the DDL guard stands in this database: installed (only a superuser may) and its
     * event triggers enabled. It then refuses ALTER and DROP of the adopted tables too.
     */
    static boolean ddlGuardOn(Connection connection) throws SQLException {
        return ask(connection, DDL_GUARD_ON);
    }

    /**
     * R__ddl_guard.sql with Flyway's placeholders as they read here: Custodian's schema is
     * custodian, and there is no Flyway history. It installs the guard only when a superuser
     * runs it, as in a Custodian database.
     */
    private static String ddlGuard() {
        return SqlFile.load(AdoptionObjects.class, "/db/migration/R__ddl_guard.sql")
                .replace("${flyway:defaultSchema}", "custodian")
                .replace("${flyway:table}", "flyway_schema_history")
                .replace("${ddlGuardInstaller}", "custodian adopt");
    }

    private static boolean ask(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getBoolean(1);
        }
    }
}

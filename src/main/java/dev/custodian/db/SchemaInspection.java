package dev.custodian.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The queries about the database's schema: whether the DDL guard's event triggers stand, and
 * putting them back where the role may. Stateless; thread-safe.
 */
final class SchemaInspection {
    private static final String DDL_GUARD = """
            SELECT count(*) FILTER (WHERE e.evtenabled IN ('O', 'A')) = 3 AS installed,
                   (SELECT r.rolsuper FROM pg_roles AS r WHERE r.rolname = current_user) AS superuser,
                   current_user AS role,
                   to_regnamespace('custodian_ddl_guard') IS NOT NULL AS defined
              FROM pg_event_trigger AS e
             WHERE e.evtname IN ('custodian_ddl_guard_start', 'custodian_ddl_guard_drop', 'custodian_ddl_guard_end')
            """;
    private static final String INSTALL_DDL_GUARD = """
            DO $$
            BEGIN
                IF to_regprocedure('custodian_ddl_guard.install()') IS NOT NULL THEN
                    PERFORM custodian_ddl_guard.install();
                END IF;
            END $$""";

    private SchemaInspection() {
    }

    /**
     * The DDL guard as found. It should be on wherever the role may install it, that is where
     * it is a superuser: only a superuser may create event triggers
     * (https://www.postgresql.org/docs/current/sql-createeventtrigger.html).
     */
    record DdlGuard(boolean on, boolean installable, String role, boolean defined) {
        /** One line saying what is not protected and why, or null when the guard is on. */
        String explanation() {
            if (on) {
                return null;
            }
            if (!installable) {
                return "the DDL guard is off: role '" + role + "' may not create event triggers (only a superuser"
                        + " may), so PostgreSQL does not refuse DROP or ALTER of Custodian's tables and functions;"
                        + " start Custodian once with a superuser's database URL to install it (docs/guards.md)";
            }
            if (!defined) {
                return "the DDL guard is missing: its schema custodian_ddl_guard was dropped; run the migration"
                        + " R__ddl_guard.sql again (docs/guards.md)";
            }
            return "the DDL guard's event triggers are missing or disabled; restart Custodian to reinstall them"
                    + " (docs/guards.md)";
        }
    }

    /** Puts the DDL guard's event triggers back where the role may, and says how it stands. */
    static DdlGuard installDdlGuard(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(INSTALL_DDL_GUARD);
        }
        return ddlGuard(connection);
    }

    private static DdlGuard ddlGuard(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DDL_GUARD);
             ResultSet row = statement.executeQuery()) {
            row.next();
            return new DdlGuard(row.getBoolean("installed"), row.getBoolean("superuser"), row.getString("role"),
                    row.getBoolean("defined"));
        }
    }
}

package dev.custodian.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The queries behind a {@link SchemaReport}: the tables, the columns of {@code users} and its
 * triggers as the migrations define them, Flyway's history against the migrations this
 * version ships, and the DDL guard's event triggers. They read only the catalog and Flyway's
 * history, and find tables through the search path, as the service's own statements do.
 * Stateless; thread-safe.
 */
final class SchemaInspection {
    /**
     * What is damaged, one row each. Expected values are those of the migrations; a test
     * compares them with a freshly migrated database. Extra columns and triggers are not
     * damage, except a NOT NULL column without a default: no write of Custodian fills it.
     * tgenabled: 'O' fires in ordinary sessions, 'A' always; 'D' is disabled and 'R' fires
     * only on replicas (https://www.postgresql.org/docs/current/catalog-pg-trigger.html).
     */
    private static final String SCHEMA_PROBLEMS = """
            WITH expected_table(name) AS (VALUES ('users'), ('user_changes'), ('api_tokens'), ('erasures')),
            expected_column(name, type, not_null) AS (
                VALUES ('id', 'bigint', true), ('name', 'text', true), ('email', 'text', true),
                       ('data', 'jsonb', true), ('version', 'bigint', true),
                       ('created_at', 'timestamp with time zone', true),
                       ('updated_at', 'timestamp with time zone', true),
                       ('deleted_at', 'timestamp with time zone', false)),
            expected_trigger(tbl, name) AS (
                VALUES ('users', 'users_40_write'), ('users', 'users_50_history'),
                       ('users', 'users_90_guard_bulk_update'), ('users', 'users_90_guard_bulk_delete'),
                       ('users', 'users_90_guard_truncate'), ('users', 'users_95_history_truncate'),
                       ('user_changes', 'user_changes_10_erasure_only'),
                       ('erasures', 'erasures_10_kept'), ('erasures', 'erasures_10_kept_truncate'),
                       ('erasures', 'erasures_90_guard_bulk_insert'),
                       ('user_changes', 'user_changes_10_protect')),
            users AS (SELECT to_regclass('users') AS oid),
            columns AS (
                SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
                       a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '' AS filled
                  FROM pg_attribute AS a JOIN users ON a.attrelid = users.oid
                 WHERE a.attnum > 0 AND NOT a.attisdropped)
            SELECT format('table %s is missing', t.name)
              FROM expected_table AS t WHERE to_regclass(t.name) IS NULL
            UNION ALL
            SELECT CASE WHEN c.name IS NULL THEN format('column users.%s is missing', e.name)
                        WHEN c.type <> e.type THEN format('column users.%s is of type %s, not %s', e.name, c.type, e.type)
                        WHEN e.not_null THEN format('column users.%s allows NULL; it must be NOT NULL', e.name)
                        ELSE format('column users.%s is NOT NULL; it must allow NULL', e.name) END
              FROM expected_column AS e CROSS JOIN users LEFT JOIN columns AS c ON c.name = e.name
             WHERE users.oid IS NOT NULL
               AND (c.name IS NULL OR c.type <> e.type OR c.not_null <> e.not_null)
            UNION ALL
            SELECT format('column users.%s is NOT NULL without a default, and Custodian does not write it', c.name)
              FROM columns AS c
             WHERE c.not_null AND NOT c.filled AND c.name NOT IN (SELECT name FROM expected_column)
            UNION ALL
            SELECT CASE WHEN t.oid IS NULL THEN format('trigger %s on %s is missing', e.name, e.tbl)
                        ELSE format('trigger %s on %s is disabled', e.name, e.tbl) END
              FROM expected_trigger AS e LEFT JOIN pg_trigger AS t
                   ON t.tgrelid = to_regclass(e.tbl) AND t.tgname = e.name
             WHERE to_regclass(e.tbl) IS NOT NULL AND (t.oid IS NULL OR t.tgenabled NOT IN ('O', 'A'))
            """;
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
                IF to_regprocedure('custodian_ddl_guard.install()') IS NOT NULL
                   AND (SELECT r.rolsuper FROM pg_roles AS r WHERE r.rolname = current_user) THEN
                    PERFORM custodian_ddl_guard.install();
                END IF;
            END $$""";
    /** Asks the function history asks (R__history.sql), when the migrations defined it. */
    private static final String SERVICE_ROLE = """
            SELECT to_regrole('custodian_service') IS NOT NULL AS defined, session_user AS login,
                   to_regprocedure('custodian_session_is_service()') IS NOT NULL AS checkable
            """;
    private static final String IS_SERVICE = "SELECT custodian_session_is_service()";
    private static final String HISTORY_EXISTS = "SELECT to_regclass('flyway_schema_history') IS NOT NULL";
    private static final String APPLIED = "SELECT version, description, success FROM flyway_schema_history";

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

    /**
     * Whether the service's own sessions may declare the actor of their changes, that is whether
     * its login role is a member of custodian_service (V8__service_role.sql). When it is not,
     * history records the service's changes as source sql too, with the token as claimed actor:
     * true, but weaker than it should be, and only an administrator can put it right.
     */
    record ServiceRole(boolean on, boolean defined, String login) {
        /** One line saying what history cannot prove and how to put it right, or null when the role is in place. */
        String explanation() {
            if (on) {
                return null;
            }
            String consequence = "so history cannot tell the service's changes from other SQL: it records every change"
                    + " as source sql, actor sql:" + login + ", with the token only as claimedActor;";
            return defined
                    ? "the service role is off: role '" + login + "' is not a member of custodian_service and may not"
                            + " make itself one, " + consequence + " an administrator can run GRANT custodian_service TO "
                            + login + " (docs/access.md)"
                    : "the service role is off: role custodian_service does not exist and role '" + login + "' may not"
                            + " create roles, " + consequence + " an administrator can run CREATE ROLE custodian_service"
                            + " NOLOGIN; GRANT custodian_service TO " + login + " (docs/access.md)";
        }
    }

    static ServiceRole serviceRole(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SERVICE_ROLE);
             ResultSet row = statement.executeQuery()) {
            row.next();
            boolean member = row.getBoolean("checkable") && isService(connection);
            return new ServiceRole(member, row.getBoolean("defined"), row.getString("login"));
        }
    }

    private static boolean isService(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(IS_SERVICE);
             ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getBoolean(1);
        }
    }

    /** Looks at everything; {@code migrations} may be null while unknown, and then only failed ones are found. */
    static SchemaReport inspect(Connection connection, Instant at, List<Migrations.Expected> migrations)
            throws SQLException {
        List<String> problems = new ArrayList<>(strings(connection, SCHEMA_PROBLEMS));
        problems.addAll(migrationProblems(connection, migrations));
        DdlGuard guard = ddlGuard(connection);
        List<String> warnings = new ArrayList<>();
        if (!guard.on()) {
            (guard.installable() ? problems : warnings).add(guard.explanation());
        }
        ServiceRole service = serviceRole(connection);
        if (!service.on()) {
            warnings.add(service.explanation());
        }
        return new SchemaReport(at, true, problems, warnings, guard.on(), service.on());
    }

    /** Puts the DDL guard's event triggers back where the role may (a superuser), and says how it stands. */
    static DdlGuard installDdlGuard(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(INSTALL_DDL_GUARD);
        }
        return ddlGuard(connection);
    }

    static DdlGuard ddlGuard(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DDL_GUARD);
             ResultSet row = statement.executeQuery()) {
            row.next();
            return new DdlGuard(row.getBoolean("installed"), row.getBoolean("superuser"), row.getString("role"),
                    row.getBoolean("defined"));
        }
    }

    private static List<String> migrationProblems(Connection connection, List<Migrations.Expected> expected)
            throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement(HISTORY_EXISTS);
             ResultSet row = exists.executeQuery()) {
            row.next();
            if (!row.getBoolean(1)) {
                return List.of("Flyway's history table flyway_schema_history is missing: the migrations have not run");
            }
        }
        List<String> problems = new ArrayList<>();
        Set<String> applied = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(APPLIED);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                String key = Migrations.Expected.key(rows.getString("version"), rows.getString("description"));
                if (rows.getBoolean("success")) {
                    applied.add(key);
                } else {
                    problems.add("migration " + key + " failed; fix it and run the migrations again");
                }
            }
        }
        for (Migrations.Expected migration : expected == null ? List.<Migrations.Expected>of() : expected) {
            if (!applied.contains(migration.key())) {
                problems.add("migration " + migration.script() + " is not applied");
            }
        }
        return problems;
    }

    private static List<String> strings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}

package dev.custodian.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives the database role of another application exactly what it needs to read and write
 * {@code users}: to connect, to find the table, SELECT, INSERT, UPDATE and DELETE on it, and
 * its id sequence. Nothing on {@code user_changes}: history is written by trigger functions
 * that run with their owner's rights (R__history.sql), so the role can neither forge nor erase
 * it; and no TRUNCATE, TRIGGER or ownership, so it cannot empty the table, disable a guard or
 * drop anything. GRANT is idempotent, and so is this. Stateless; thread-safe.
 */
public final class AppRoleGrants {
    /**
     * The role, with what it may already do beyond what is granted here; no row for an unknown
     * role. Identifiers are quoted by format's %I, so any role name is safe.
     */
    private static final String ROLE = """
            SELECT r.rolname, r.rolsuper AS superuser,
                   coalesce(pg_has_role(r.oid, to_regrole('custodian_service'), 'MEMBER'), false) AS service,
                   pg_has_role(r.oid, t.relowner, 'MEMBER') AS owner,
                   has_table_privilege(r.oid, t.oid, 'TRUNCATE') AS truncate,
                   has_table_privilege(r.oid, 'user_changes', 'INSERT, UPDATE, DELETE, TRUNCATE') AS writes_history,
                   array_remove(ARRAY[
                       format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), r.rolname),
                       format('GRANT USAGE ON SCHEMA %I TO %I', n.nspname, r.rolname),
                       format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I.%I TO %I', n.nspname, t.relname, r.rolname),
                       format('GRANT USAGE ON SEQUENCE %s TO %I', pg_get_serial_sequence(t.oid::regclass::text, 'id'),
                              r.rolname)], NULL) AS grants
              FROM pg_roles AS r
              CROSS JOIN pg_class AS t
              JOIN pg_namespace AS n ON n.oid = t.relnamespace
             WHERE r.rolname = ? AND t.oid = to_regclass('users')
            """;

    /**
     * What was granted, and what the role could already do that this grant does not take away:
     * each such right is a way around a guard or around history, for a person to revoke.
     */
    public record Granted(String role, List<String> statements, List<String> beyond) {
        public Granted {
            statements = List.copyOf(statements);
            beyond = List.copyOf(beyond);
        }
    }

    private AppRoleGrants() {
    }

    /**
     * Grants {@code role} what an application needs, in one transaction.
     *
     * @throws IllegalArgumentException when no role of that name exists
     */
    public static Granted grant(Transactions transactions, WriteContext context, String role) {
        return transactions.write(context, connection -> grant(connection, role));
    }

    private static Granted grant(Connection connection, String role) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(ROLE)) {
            query.setString(1, role);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalArgumentException("role '" + role + "' does not exist; create it first, for example"
                            + " CREATE ROLE " + SqlNames.identifier(role) + " LOGIN PASSWORD '...'");
                }
                List<String> statements = List.of((String[]) row.getArray("grants").getArray());
                try (Statement statement = connection.createStatement()) {
                    for (String grant : statements) {
                        statement.execute(grant);
                    }
                }
                return new Granted(role, statements, beyond(row));
            }
        }
    }

    private static List<String> beyond(ResultSet row) throws SQLException {
        List<String> beyond = new ArrayList<>();
        if (row.getBoolean("superuser")) {
            beyond.add("it is a superuser: it passes every check, may declare any actor and may turn off every guard");
        } else if (row.getBoolean("service")) {
            beyond.add("it is a member of custodian_service: history records the actor it declares as proven (source api)");
        }
        if (row.getBoolean("owner")) {
            beyond.add("it is (a member of) the owner of users: it may ALTER, DROP and DISABLE TRIGGER where the DDL guard"
                    + " is off");
        }
        if (row.getBoolean("truncate")) {
            beyond.add("it has TRUNCATE on users");
        }
        if (row.getBoolean("writes_history")) {
            beyond.add("it may write user_changes directly");
        }
        return beyond;
    }
}

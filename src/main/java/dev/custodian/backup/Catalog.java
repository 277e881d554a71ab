package dev.custodian.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;

/**
 * What the database says about itself: the columns of a table, the schema version Flyway
 * installed last, the server version. Thread-safe (stateless).
 */
final class Catalog {
    private static final String COLUMNS = """
            SELECT column_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = ?
             ORDER BY ordinal_position
            """;
    private static final String SCHEMA_VERSIONS = """
            SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL
            """;
    private static final String SERVER = """
            SELECT 'PostgreSQL ' || current_setting('server_version') AS server
            """;

    private Catalog() {
    }

    /** The table's columns in order; empty when the table does not exist. */
    static List<String> columns(Connection connection, String table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                var columns = new ArrayList<String>();
                while (rows.next()) {
                    columns.add(rows.getString("column_name"));
                }
                return columns;
            }
        }
    }

    /** The highest version among the successful migrations, as Flyway orders versions. */
    static String schemaVersion(Connection connection) throws SQLException {
        MigrationVersion latest = MigrationVersion.EMPTY;
        try (PreparedStatement statement = connection.prepareStatement(SCHEMA_VERSIONS);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                MigrationVersion version = MigrationVersion.fromVersion(rows.getString("version"));
                if (version.compareTo(latest) > 0) {
                    latest = version;
                }
            }
        }
        return latest.getVersion();
    }

    /** Whether a backup written at {@code backupVersion} is newer than a database at {@code databaseVersion}. */
    static boolean isNewer(String backupVersion, String databaseVersion) {
        try {
            return MigrationVersion.fromVersion(backupVersion).compareTo(MigrationVersion.fromVersion(databaseVersion)) > 0;
        } catch (FlywayException notAVersion) {
            throw new IllegalArgumentException("its schema version '" + backupVersion + "' is not a version number");
        }
    }

    static String server(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SERVER); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getString("server");
        }
    }
}

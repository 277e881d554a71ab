package dev.custodian.backup;

import dev.custodian.db.SqlNames;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Counts and checksums a table's rows in SQL, the same way for the live table when a backup is
 * written and for the scratch or staging copy a backup is loaded into, so the two can be
 * compared. Each row is hashed whole by PostgreSQL's own 64-bit record hash
 * ({@code hash_record_extended}, the hash behind hash indexes and hash partitioning), with two
 * seeds; the sums of both over all rows, with the count, are md5'd into one value. Hashing
 * works on the stored values, so it is independent of row order and of how values print, and
 * it costs less than reading the rows out as text. Thread-safe (stateless).
 */
final class TableChecksums {
    /**
     * Fixes how timestamps print in COPY text, so the same rows give the same text on any server;
     * and lifts the statement timeout that bounds requests, since backups, verifications and
     * restores legitimately run long. Both end with the transaction.
     */
    static final String SESSION = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD';"
            + " SET LOCAL statement_timeout = 0";

    private static final String CHECKSUM = """
            SELECT count(*) AS row_count,
                   md5(count(*) || ':' || coalesce(sum(hash_record_extended(t, 0)::numeric), 0)
                                || ':' || coalesce(sum(hash_record_extended(t, 1)::numeric), 0)) AS checksum
              FROM (SELECT %s FROM %s) t
            """;

    private TableChecksums() {
    }

    /** Rows and checksum of a table. */
    record Sum(long rows, String checksum) {
    }

    /** {@code qualifiedName} is already quoted; columns are names checked against the catalog. */
    static Sum of(Connection connection, String qualifiedName, List<String> columns) throws SQLException {
        String sql = CHECKSUM.formatted(columns.stream().map(SqlNames::identifier).collect(Collectors.joining(", ")),
                qualifiedName);
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return new Sum(rows.getLong("row_count"), rows.getString("checksum"));
        }
    }
}

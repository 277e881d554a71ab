package dev.custodian.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Counts and checksums a table's rows in SQL, the same way for the live table when a backup is
 * written and for the scratch or staging copy a backup is loaded into, so the two can be
 * compared. The checksum is the md5 of the ordered md5s of buckets of 1000 user ids, each the
 * md5 of the ordered md5s of its rows' text: ordered by key, memory bounded by the bucket size.
 * Row text depends on TimeZone and DateStyle, so callers run {@link #SESSION} first.
 * Thread-safe (stateless).
 */
final class TableChecksums {
    /** Fixes how timestamps print, so the same rows give the same text on any server or session. */
    static final String SESSION = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'";

    private static final String CHECKSUM = """
            SELECT coalesce(sum(n), 0) AS row_count, md5(coalesce(string_agg(h, '' ORDER BY b), '')) AS md5
              FROM (SELECT t.%1$s / 1000 AS b, count(*) AS n, md5(string_agg(md5(t::text), '' ORDER BY %2$s)) AS h
                      FROM (SELECT %3$s FROM %4$s) t
                     GROUP BY 1) buckets
            """;

    private TableChecksums() {
    }

    /** Rows and checksum of a table; {@code qualifiedName} is already quoted. */
    record Sum(long rows, String md5) {
    }

    static Sum of(Connection connection, BackedUpTable table, String qualifiedName, List<String> columns)
            throws SQLException {
        String keys = table.key().stream().map(key -> "t." + BackedUpTable.quote(key)).collect(Collectors.joining(", "));
        String sql = CHECKSUM.formatted(BackedUpTable.quote(table.key().get(0)), keys,
                columns.stream().map(BackedUpTable::quote).collect(Collectors.joining(", ")), qualifiedName);
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return new Sum(rows.getLong("row_count"), rows.getString("md5"));
        }
    }
}

package dev.custodian.adopt;

import dev.custodian.db.Transactions;
import dev.custodian.http.ApiException;
import dev.custodian.tracked.TrackedTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The service's view of an adopted table: its registry row ({@code custodian.adopted_tables})
 * and its columns as the catalog has them now, as a {@link TrackedTable}. Read on every request
 * that names a table (one indexed lookup), so a table adopted, altered or removed while the
 * service runs is seen at once. Thread-safe (stateless).
 */
public final class AdoptedTables {
    // Generated columns are the table's to compute: a write sets every other column but the key.
    private static final String FIND = """
            SELECT a.table_schema, a.table_name, a.key_column, a.key_type,
                   coalesce(array_agg(c.attname::text ORDER BY c.attnum) FILTER (WHERE c.attnum IS NOT NULL), '{}') AS columns,
                   coalesce(array_agg(format_type(c.atttypid, c.atttypmod) ORDER BY c.attnum)
                            FILTER (WHERE c.attnum IS NOT NULL), '{}') AS types
              FROM custodian.adopted_tables AS a
              LEFT JOIN pg_catalog.pg_attribute AS c
                ON c.attrelid = to_regclass(format('%I.%I', a.table_schema, a.table_name))
               AND c.attnum > 0 AND NOT c.attisdropped AND c.attgenerated = '' AND c.attname <> a.key_column
             WHERE a.table_name = ? AND to_regclass(format('%I.%I', a.table_schema, a.table_name)) IS NOT NULL
             GROUP BY a.table_schema, a.table_name, a.key_column, a.key_type
            """;

    private AdoptedTables() {
    }

    /**
     * The adopted table a request names (as written, case included), read in a transaction of its
     * own; 404 naming {@code adopt --status} when no such table is adopted.
     */
    public static TrackedTable require(Transactions transactions, String name) {
        return transactions.autocommit(connection -> find(connection, name))
                .orElseThrow(() -> ApiException.notFound("no adopted table '" + name + "' in this database (names are"
                        + " matched as written, case included); `custodian adopt --status` lists the adopted tables"));
    }

    /** The adopted table named {@code name} (as written, case included); empty when no such table is adopted. */
    public static Optional<TrackedTable> find(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(FIND)) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                String[] names = (String[]) row.getArray("columns").getArray();
                String[] types = (String[]) row.getArray("types").getArray();
                List<TrackedTable.Column> columns = new ArrayList<>();
                for (int i = 0; i < names.length; i++) {
                    columns.add(new TrackedTable.Column(names[i], types[i]));
                }
                return Optional.of(TrackedTable.adopted(row.getString("table_schema"), row.getString("table_name"),
                        row.getString("key_column"), row.getString("key_type"), columns));
            }
        }
    }
}

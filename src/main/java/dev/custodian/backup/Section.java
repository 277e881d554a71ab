package dev.custodian.backup;

import java.util.List;

/**
 * One table in a backup file: its name, the columns of its rows in file order, how many rows
 * and bytes of COPY text it holds, and the checksum of its rows as computed by
 * {@link TableChecksums}. Immutable.
 */
record Section(String table, List<String> columns, long rows, long bytes, String checksum) {

    Section {
        columns = List.copyOf(columns);
    }
}

package dev.custodian.adopt;

import java.util.List;

/** One adopted table as {@code adopt --status} shows it: how it is keyed, since when, how big its history is. */
public record AdoptedTable(String schema, String table, String keyColumn, String keyType, List<String> documentColumns,
                           String since, String adoptedBy, long historyRows, long historyBytes) {
    public AdoptedTable {
        documentColumns = List.copyOf(documentColumns);
    }
}

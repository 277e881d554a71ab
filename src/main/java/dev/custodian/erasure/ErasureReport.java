package dev.custodian.erasure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.Json;
import dev.custodian.tracked.Erasure;
import dev.custodian.tracked.TrackedTable;
import java.util.List;

/**
 * What an erasure removed, or would remove in a dry run: the row, the history entries that lost
 * their values, and the backup files that still hold them (taken since the user's first history
 * entry; none for an adopted table, which Custodian's backups do not hold); plus the register's
 * entry, which a dry run does not make. A user is named by {@code userId}, a row of an adopted
 * table by {@code table} and {@code key}. Immutable.
 */
public record ErasureReport(TrackedTable table, String reason, Erasure erasure, List<String> backups) {

    public ErasureReport {
        backups = List.copyOf(backups);
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("dryRun", erasure.dryRun());
        if (table.equals(TrackedTable.USERS)) {
            node.put("userId", Long.parseLong(erasure.key()));
        } else {
            node.put("table", table.name());
            node.put("key", erasure.key());
        }
        node.put("rows", erasure.rows());
        node.put("historyEntries", erasure.historyEntries());
        ObjectNode files = node.putObject("backups");
        files.put("count", backups.size());
        var ids = files.putArray("ids");
        backups.forEach(ids::add);
        node.put("reason", reason);
        node.put("actor", erasure.entry().actor());
        node.put("requestId", erasure.entry().requestId());
        node.put("at", erasure.entry().at());
        if (erasure.dryRun()) {
            node.putNull("erasureId");
        } else {
            node.put("erasureId", erasure.entry().id());
        }
        return node;
    }
}

package dev.custodian.db;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;

/**
 * What a write transaction declares to the database's triggers, via {@code SET LOCAL
 * custodian.*}: who writes (recorded in history), the request it belongs to, the history
 * operation when it is not a plain create/update/delete, and any intent to remove data or to
 * touch many rows. Immutable.
 *
 * <p>Only the database decides what a write loses (the key-loss guard); a context says what the
 * request <em>names</em> for removal, or that the client may overwrite anything (it proved with
 * If-Match that it saw what it overwrites, or it restores a recorded state).
 *
 * @param actor        recorded as the change's actor, for example {@code token:billing-api}
 * @param requestId    recorded with the change
 * @param op           history op to record (revert, rollback, restore, replace) or null for the default
 * @param allowRemoval lets the key-loss guard pass whatever the write removes
 * @param removing     JSON Pointers (rooted at the row's state, e.g. {@code /data/address}) the
 *                     request names for removal; the guard lets these and what lies below them go
 * @param allowRows    lets the bulk guard pass for statements touching up to this many rows; 0 for none
 */
public record WriteContext(String actor, String requestId, String op, boolean allowRemoval,
                           List<String> removing, long allowRows) {

    public WriteContext {
        removing = List.copyOf(removing);
    }

    public static WriteContext of(String actor, String requestId) {
        return new WriteContext(actor, requestId, null, false, List.of(), 0);
    }

    public WriteContext withOp(String value) {
        return new WriteContext(actor, requestId, value, allowRemoval, removing, allowRows);
    }

    public WriteContext allowingRemoval() {
        return new WriteContext(actor, requestId, op, true, removing, allowRows);
    }

    public WriteContext naming(List<String> paths) {
        return new WriteContext(actor, requestId, op, allowRemoval, paths, allowRows);
    }

    public WriteContext allowingRows(long rows) {
        return new WriteContext(actor, requestId, op, allowRemoval, removing, rows);
    }

    /** {@link #removing} as the JSON array text the guard reads from {@code custodian.removing}. */
    public String removingJson() {
        ArrayNode paths = JsonNodeFactory.instance.arrayNode();
        removing.forEach(paths::add);
        return paths.toString();
    }
}

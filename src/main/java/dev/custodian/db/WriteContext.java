package dev.custodian.db;

/**
 * What a write transaction declares to the database's triggers, via {@code SET LOCAL
 * custodian.*}: who writes (recorded in history), the request it belongs to, the history
 * operation when it is not a plain create/update/delete, and any intent to remove data or to
 * touch many rows. Immutable.
 *
 * @param actor        recorded as the change's actor, for example {@code token:billing-api}
 * @param requestId    recorded with the change
 * @param op           history op to record (revert, rollback, restore, replace) or null for the default
 * @param allowRemoval lets the key-loss guard pass: only for writes that name what they remove
 * @param allowRows    lets the bulk guard pass for statements touching up to this many rows; 0 for none
 */
public record WriteContext(String actor, String requestId, String op, boolean allowRemoval, long allowRows) {

    public static WriteContext of(String actor, String requestId) {
        return new WriteContext(actor, requestId, null, false, 0);
    }

    public WriteContext withOp(String value) {
        return new WriteContext(actor, requestId, value, allowRemoval, allowRows);
    }

    public WriteContext allowingRemoval() {
        return new WriteContext(actor, requestId, op, true, allowRows);
    }

    public WriteContext allowingRows(long rows) {
        return new WriteContext(actor, requestId, op, allowRemoval, rows);
    }
}

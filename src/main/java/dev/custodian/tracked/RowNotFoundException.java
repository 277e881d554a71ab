package dev.custodian.tracked;

/** A write named a row that does not exist (or is deleted, where the write needs it live). */
public final class RowNotFoundException extends RuntimeException {
    public RowNotFoundException(TrackedTable table, String key) {
        super(table.noun() + " " + key + " does not exist");
    }
}

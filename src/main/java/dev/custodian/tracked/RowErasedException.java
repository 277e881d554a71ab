package dev.custodian.tracked;

/**
 * A write or read named a row that was erased: its values are gone for good, and nothing brings
 * them back (the register in {@code erasures} says when and by whom).
 */
public final class RowErasedException extends RuntimeException {
    private final String erasedAt;

    RowErasedException(TrackedTable table, String key, String erasedAt) {
        super(table.noun() + " " + key + " was erased at " + erasedAt + "; its values are gone for good and nothing"
                + " brings them back");
        this.erasedAt = erasedAt;
    }

    /** When the erasure was made, RFC 3339. */
    public String erasedAt() {
        return erasedAt;
    }
}

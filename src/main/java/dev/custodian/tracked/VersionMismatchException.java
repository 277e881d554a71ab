package dev.custodian.tracked;

/** If-Match named another version than the row's current one; nothing was written. */
public final class VersionMismatchException extends RuntimeException {
    private final long current;

    VersionMismatchException(TrackedTable table, String key, long expected, long current) {
        super(table.noun() + " " + key + " is at version " + current + ", not " + expected
                + "; read it again and retry with If-Match: \"" + current + "\"");
        this.current = current;
    }

    public long current() {
        return current;
    }
}

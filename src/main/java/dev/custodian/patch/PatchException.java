package dev.custodian.patch;

/**
 * Why a patch could not be parsed or applied. The {@link Reason} is for callers to map to a response
 * status; the message names the operation, the path and the values involved, so a client can fix
 * its request from the message alone. Immutable, so safe to share between threads.
 */
public final class PatchException extends RuntimeException {

    /**
     * What kind of failure this is. Stateless and thread-safe.
     */
    public enum Reason {
        /** The patch itself is not well-formed, whatever document it is applied to. */
        MALFORMED_PATCH,
        /** The patch names a location that the document does not have. */
        PATH_NOT_FOUND,
        /** A {@code test} operation found a value other than the one it expected. */
        TEST_FAILED
    }

    private final Reason reason;
    private final String path;

    PatchException(Reason reason, String path, String message) {
        super(message);
        this.reason = reason;
        this.path = path;
    }

    /** The kind of failure. */
    public Reason reason() {
        return reason;
    }

    /** The pointer text involved in the failure, or {@code null} when no single path is to blame. */
    public String path() {
        return path;
    }

    /** The same failure, with context (such as which operation failed) put in front of the message. */
    PatchException prefixed(String context) {
        return new PatchException(reason, path, context + getMessage());
    }
}

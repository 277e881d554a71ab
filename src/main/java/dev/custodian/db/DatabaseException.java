package dev.custodian.db;

import java.util.List;

/**
 * A database failure as the service sees it, classified once by SQLSTATE in {@link
 * DatabaseErrors}. Says what happened in the database's terms; the problem mapper decides what
 * a client is told.
 */
public final class DatabaseException extends RuntimeException {
    /** What went wrong. */
    public enum Reason {
        /** The database cannot be reached, or is shutting down or starting: retry later. The message says so to a client. */
        UNAVAILABLE,
        /** A statement ran past the statement timeout and was cancelled: nothing changed, retry later. */
        TIMED_OUT,
        /** Conflicting writes kept failing (serialization failure, deadlock) after retries: retry later. */
        BUSY,
        /** The key-loss guard refused a write that would drop data it did not name; see {@link #details()}. */
        DATA_LOSS_REFUSED,
        /** The bulk guard refused one of the service's own statements: more rows than it confirmed. */
        BULK_REFUSED,
        /**
         * The erasure guard refused a write: it would bring back an erased row, or rewrite history
         * or the erasure register. The service checks the register first, so this is the database's
         * backstop.
         */
        ERASED,
        /** A unique constraint: the value is already taken; see {@link #constraint()}. */
        TAKEN,
        /** A check constraint of the schema; see {@link #constraint()}. */
        RULE_BROKEN,
        /** The schema is not what the migrations made; see {@link #details()} for what is wrong. */
        SCHEMA_DAMAGED,
        /** Text PostgreSQL cannot store, such as U+0000 in a query parameter (bodies are checked before). */
        UNSTORABLE_TEXT
    }

    private final Reason reason;
    private final String constraint;
    private final List<String> details;

    DatabaseException(Reason reason, String message, String constraint, List<String> details, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.constraint = constraint == null ? "unknown constraint" : constraint;
        this.details = List.copyOf(details);
    }

    public Reason reason() {
        return reason;
    }

    /** The constraint that refused the write, or "unknown constraint". */
    public String constraint() {
        return constraint;
    }

    /**
     * What the failure names: the JSON Pointers the key-loss guard refused to lose (at most its
     * first 20), or each thing wrong with a damaged schema; empty for other reasons.
     */
    public List<String> details() {
        return details;
    }
}

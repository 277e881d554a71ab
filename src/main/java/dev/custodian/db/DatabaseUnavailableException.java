package dev.custodian.db;

/**
 * The database could not be reached at start, after waiting the configured time for it; the
 * message names the server, the reason, and what to do.
 */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message) {
        super(message);
    }
}

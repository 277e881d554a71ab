package dev.custodian.db;

/**
 * The database could not be reached or used at start, after waiting the configured time for
 * it (an external server out of reach, an embedded one kept busy by another Custodian); the
 * message names the server, the reason, and what to do.
 */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message) {
        super(message);
    }
}

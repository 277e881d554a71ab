package dev.custodian.adopt;

/**
 * The database refused an adoption, a removal or a status for a reason a person must fix there
 * (a right the role lacks, a database out of reach); the message says which. Nothing changed.
 */
public final class AdoptionException extends RuntimeException {
    AdoptionException(String message, Throwable cause) {
        super(message, cause);
    }
}

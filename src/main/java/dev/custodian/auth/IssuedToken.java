package dev.custodian.auth;

/**
 * A token just created: its secret, shown this once and stored only as a hash, and what the
 * service keeps about it. Immutable.
 */
public record IssuedToken(String secret, TokenInfo info) {
}

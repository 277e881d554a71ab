package dev.custodian.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What an operator may know about a token: everything but its secret, which is never stored.
 * Times are RFC 3339 UTC text as in every response, null when not set; {@code status} is
 * {@code active}, {@code expired} or {@code revoked}. Immutable.
 */
public record TokenInfo(@JsonIgnore long id, String name, String role, String status, String createdAt,
                        String expiresAt, String lastUsedAt, String revokedAt) {

    public boolean active() {
        return status.equals("active");
    }
}

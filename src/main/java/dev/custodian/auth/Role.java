package dev.custodian.auth;

import io.javalin.security.RouteRole;
import java.util.Locale;

/** What a token may do; each role includes the ones before it. */
public enum Role implements RouteRole {
    /** No token needed: health and problem descriptions. */
    OPEN,
    READ,
    WRITE,
    ADMIN;

    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        for (Role role : values()) {
            if (role != OPEN && role.label().equals(text)) {
                return role;
            }
        }
        throw new IllegalArgumentException("role must be read, write or admin, got '" + text + "'");
    }
}

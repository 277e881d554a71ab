package dev.custodian.auth;

/**
 * A token holder as the service knows it: its name (recorded as the actor of its changes,
 * {@code token:<name>}) and its role.
 */
public record Token(String name, Role role) {
    public String actor() {
        return "token:" + name;
    }
}

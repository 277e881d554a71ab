package dev.custodian.config;

/** A setting that cannot be used; the message names the variable or flag and what it accepts. */
public final class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}

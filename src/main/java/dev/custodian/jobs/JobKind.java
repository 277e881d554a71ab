package dev.custodian.jobs;

import java.util.Locale;

/** The kinds of work that run as jobs; the label is the {@code kind} column and the API's value. */
public enum JobKind {
    ROLLBACK,
    RESTORE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

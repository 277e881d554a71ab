package dev.custodian.db;

import dev.custodian.config.DatabaseUrl;

/**
 * The schema that holds everything Custodian installs: its tables, their sequences, its
 * functions and Flyway's history of its migrations. A schema of its own, so that Custodian can
 * serve from an application's database beside the application's own {@code public.users}
 * without either seeing the other's names. The service's connections find it first in their
 * search path (PgJDBC's {@code currentSchema}), so its SQL names tables without a schema.
 * Stateless; thread-safe.
 */
public final class CustodianSchema {
    /** The schema's name; docs/operations.md ("Custodian's schema") tells operators. */
    public static final String NAME = "custodian";

    private CustodianSchema() {
    }

    /**
     * The JDBC URL with Custodian's schema as the connection's search path. Appended last, so it
     * wins over a {@code currentSchema} the URL may carry: PgJDBC keeps the last value of a
     * parameter, and the service's SQL only works in its own schema.
     */
    public static String jdbcUrl(DatabaseUrl url) {
        String jdbcUrl = url.jdbcUrl();
        return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + NAME;
    }
}

package dev.custodian.db;

import java.time.Instant;
import java.util.List;

/**
 * What one look at the database found: whether it answered, what is wrong with the schema
 * Custodian relies on (a missing table or trigger, a column of the wrong type or nullability,
 * an unapplied migration), and what only weakens it (the DDL guard could not be installed, the
 * service's role is not a member of custodian_service).
 * Immutable.
 *
 * @param checkedAt   when the look started: it reflects the schema at that time or later
 * @param reachable   false when the database did not answer in time or the look failed
 * @param problems    each thing that is damaged, for a person to act on; empty when sound
 * @param warnings    each protection that is missing while the schema itself is sound
 * @param ddlGuardOn  whether the DDL guard's event triggers are installed and enabled
 * @param serviceRoleOn whether the service's sessions are members of custodian_service, so that
 *                    history records the actors they declare as proven ({@code source: api})
 */
public record SchemaReport(Instant checkedAt, boolean reachable, List<String> problems, List<String> warnings,
                           boolean ddlGuardOn, boolean serviceRoleOn) {

    public SchemaReport {
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    static SchemaReport unreachable(Instant checkedAt, String why) {
        return new SchemaReport(checkedAt, false, List.of(why), List.of(), false, false);
    }

    public boolean damaged() {
        return reachable && !problems.isEmpty();
    }

    /** The failure of a request the damaged schema cannot serve, naming what is wrong. */
    public DatabaseException damageError() {
        return new DatabaseException(DatabaseException.Reason.SCHEMA_DAMAGED, "the database schema is damaged: "
                + String.join("; ", problems) + ". Writes are refused until it is repaired (see GET /health/ready)",
                null, problems, null);
    }

    /** The failure for a database that did not answer, with the reason. */
    public DatabaseException unreachableError() {
        return new DatabaseException(DatabaseException.Reason.UNAVAILABLE, String.join("; ", problems), null, List.of(), null);
    }
}

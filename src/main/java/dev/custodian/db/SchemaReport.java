package dev.custodian.db;

import dev.custodian.http.ApiException;
import dev.custodian.http.ProblemType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one look at the database found: whether it answered, what is wrong with the schema
 * Custodian relies on (a missing table or trigger, a column of the wrong type or nullability,
 * an unapplied migration), and what only weakens it (the DDL guard could not be installed).
 * Immutable.
 *
 * @param checkedAt   when the look started: it reflects the schema at that time or later
 * @param reachable   false when the database did not answer in time or the look failed
 * @param problems    each thing that is damaged, for a person to act on; empty when sound
 * @param warnings    each protection that is missing while the schema itself is sound
 * @param ddlGuardOn  whether the DDL guard's event triggers are installed and enabled
 */
public record SchemaReport(Instant checkedAt, boolean reachable, List<String> problems, List<String> warnings,
                           boolean ddlGuardOn) {

    public SchemaReport {
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    static SchemaReport unreachable(Instant checkedAt, String why) {
        return new SchemaReport(checkedAt, false, List.of(why), List.of(), false);
    }

    public boolean damaged() {
        return reachable && !problems.isEmpty();
    }

    /** The error for a request the damaged schema cannot serve: 503 {@code schema-damaged}, naming what is wrong. */
    public ApiException damageError() {
        return new ApiException(ProblemType.SCHEMA_DAMAGED, "the database schema is damaged: "
                + String.join("; ", problems) + ". Writes are refused until it is repaired (see GET /health/ready)",
                List.of(), Map.of("problems", problems));
    }

    /** The error for a database that did not answer: 503 {@code unavailable}, with the reason. */
    public ApiException unreachableError() {
        return new ApiException(ProblemType.UNAVAILABLE, String.join("; ", problems));
    }
}

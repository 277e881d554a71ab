package dev.custodian.history;

import dev.custodian.http.ApiException;
import dev.custodian.http.Json;
import dev.custodian.http.ProblemType;
import dev.custodian.tracked.TrackedTable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where a row's history starts after compaction ({@code CUSTODIAN_HISTORY_KEEP}): the oldest
 * version kept, which holds the state as a snapshot, and its time. Versions and times before it
 * were compacted away and answer 410 Gone. Immutable.
 *
 * @param version the oldest version still readable
 * @param at      when that version was made, RFC 3339 UTC
 */
record HistoryBoundary(long version, String at) {

    boolean after(long requestedVersion) {
        return requestedVersion < version;
    }

    boolean after(Instant requestedTime) {
        return requestedTime.isBefore(Instant.parse(at));
    }

    /** 410 naming what was asked ({@code what}: "version 3", "2025-01-01T00:00:00Z") and the boundary. */
    ApiException gone(TrackedTable table, String key, String what) {
        return new ApiException(ProblemType.HISTORY_COMPACTED, "the history of " + table.noun() + " " + key + " before version "
                + version + " (" + at + ") was compacted, so " + what + " can no longer be read, reverted to or"
                + " undone; the oldest version kept is " + version,
                List.of(), Map.of("boundary", Json.MAPPER.createObjectNode().put("version", version).put("at", at)));
    }
}

package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.custodian.http.Json;
import dev.custodian.patch.JsonPatch;
import dev.custodian.patch.JsonPointer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Undoes chosen changes of one user, newest first, keeping every path that a later change not
 * chosen has touched. Two paths collide when one is equal to, inside, or contains the other. A
 * collision keeps the current value and is reported; the kept path then also protects older
 * chosen changes from being applied under it. Pure: JSON in, JSON out. Thread-safe (stateless).
 */
final class UndoPlan {
    private UndoPlan() {
    }

    /**
     * One recorded change: whether it is to be undone, its undo operations if so, and the paths
     * it touched.
     */
    record Step(long version, boolean selected, ArrayNode undo, List<JsonPointer> paths) {
        static Step of(long version, boolean selected, JsonNode undo, JsonNode paths) {
            var pointers = new ArrayList<JsonPointer>();
            paths.forEach(path -> pointers.add(JsonPointer.parse(path.asText())));
            return new Step(version, selected, undo == null ? null : (ArrayNode) undo, List.copyOf(pointers));
        }
    }

    /** A path of a chosen change left as it is, and the later changes that touched it. */
    record Conflict(JsonPointer path, SortedSet<Long> changedIn) {
    }

    /** The state after undoing, how many chosen changes were undone (wholly or in part), what was kept (by path). */
    record Outcome(JsonNode after, int undone, List<Conflict> conflicts) {
    }

    private record Kept(JsonPointer path, Set<Long> versions) {
    }

    /**
     * Applies the undo operations of the selected steps to {@code current}, newest first.
     *
     * @param current     the state now: a state document, or a JSON null for a user without a row
     * @param newestFirst every change from the oldest selected one on, newest first
     * @throws dev.custodian.patch.PatchException when an undo operation does not fit the state,
     *                                            which means the history does not describe it
     */
    static Outcome apply(JsonNode current, List<Step> newestFirst) {
        JsonNode state = current;
        int undone = 0;
        List<Kept> kept = new ArrayList<>();
        Map<JsonPointer, SortedSet<Long>> conflicts = new LinkedHashMap<>();
        for (Step step : newestFirst) {
            if (!step.selected()) {
                step.paths().forEach(path -> kept.add(new Kept(path, Set.of(step.version()))));
                continue;
            }
            ArrayNode applicable = Json.MAPPER.createArrayNode();
            for (JsonNode operation : step.undo()) {
                JsonPointer path = JsonPointer.parse(operation.path("path").asText());
                SortedSet<Long> blocking = blockingVersions(kept, path);
                if (blocking.isEmpty()) {
                    applicable.add(operation);
                } else {
                    conflicts.computeIfAbsent(path, p -> new TreeSet<>()).addAll(blocking);
                    kept.add(new Kept(path, blocking));
                }
            }
            if (!applicable.isEmpty()) {
                state = JsonPatch.parse(applicable).apply(state);
            }
            if (!applicable.isEmpty() || step.undo().isEmpty()) {
                undone++;
            }
        }
        List<Conflict> reported = new ArrayList<>();
        conflicts.forEach((path, versions) -> reported.add(new Conflict(path, versions)));
        reported.sort(Comparator.comparing(conflict -> conflict.path().toString()));
        return new Outcome(state, undone, List.copyOf(reported));
    }

    static boolean collide(JsonPointer a, JsonPointer b) {
        return a.startsWith(b) || b.startsWith(a);
    }

    private static SortedSet<Long> blockingVersions(List<Kept> kept, JsonPointer path) {
        SortedSet<Long> versions = new TreeSet<>();
        for (Kept entry : kept) {
            if (collide(entry.path(), path)) {
                versions.addAll(entry.versions());
            }
        }
        return versions;
    }
}

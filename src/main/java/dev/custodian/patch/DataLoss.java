package dev.custodian.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finds what a write would drop: members that disappear and containers that lose their contents, so a
 * caller can refuse writes that destroy data the request did not name. A changed scalar is an edit, not
 * a loss. Stateless and thread-safe; never mutates its arguments.
 */
public final class DataLoss {

    private DataLoss() {
    }

    /**
     * The paths of {@code before} whose data {@code after} no longer holds, in {@code before}'s document
     * order: a member missing from {@code after}; a non-empty object or array that became a value of
     * another type; an array that became shorter. Same-length or longer arrays are compared element by
     * element the same way.
     */
    public static List<JsonPointer> lostPaths(JsonNode before, JsonNode after) {
        List<JsonPointer> lost = new ArrayList<>();
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        collect(JsonPointer.ROOT, before, after, lost);
        return List.copyOf(lost);
    }

    /**
     * The paths of {@code lost} that no path of {@code named} accounts for. A lost path is covered by a
     * named removal of itself or of an ancestor, or, for a shortened array, by a named removal of one of
     * its elements.
     */
    public static List<JsonPointer> unnamed(List<JsonPointer> lost, List<JsonPointer> named) {
        // Looked up, not compared pairwise: a patch that names many removals on a document that
        // loses many paths would otherwise cost their product.
        Set<JsonPointer> removals = new HashSet<>(named);
        Set<JsonPointer> shortenedArrays = new HashSet<>();
        for (JsonPointer removal : named) {
            if (!removal.isRoot() && ArrayIndex.parse(removal.lastToken()) != ArrayIndex.NONE) {
                // Removing /tags/1 is what shortens /tags.
                shortenedArrays.add(removal.parent());
            }
        }
        return lost.stream()
            .filter(path -> !shortenedArrays.contains(path) && !namedWithAncestors(path, removals))
            .toList();
    }

    private static void collect(JsonPointer at, JsonNode before, JsonNode after, List<JsonPointer> lost) {
        // Scalars and empty containers hold nothing that could be dropped.
        if (!before.isContainerNode() || before.size() == 0) {
            return;
        }
        if (before.getNodeType() != after.getNodeType()) {
            lost.add(at);
        } else if (before.isObject()) {
            collectMembers(at, before, after, lost);
        } else if (after.size() < before.size()) {
            lost.add(at);
        } else {
            for (int i = 0; i < before.size(); i++) {
                collect(at.append(Integer.toString(i)), before.get(i), after.get(i), lost);
            }
        }
    }

    private static void collectMembers(JsonPointer at, JsonNode before, JsonNode after, List<JsonPointer> lost) {
        for (Map.Entry<String, JsonNode> member : before.properties()) {
            JsonPointer path = at.append(member.getKey());
            JsonNode next = after.get(member.getKey());
            if (next == null) {
                lost.add(path);
            } else {
                collect(path, member.getValue(), next, lost);
            }
        }
    }

    /** Whether {@code path} or one of its ancestors is among {@code removals}. */
    private static boolean namedWithAncestors(JsonPointer path, Set<JsonPointer> removals) {
        for (JsonPointer at = path; ; at = at.parent()) {
            if (removals.contains(at)) {
                return true;
            }
            if (at.isRoot()) {
                return false;
            }
        }
    }
}

package dev.custodian.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * RFC 7396 JSON Merge Patch: the removals it asks for, which a write declares to the database.
 * The patch itself is applied by the database ({@code custodian_merge_patch}), inside the
 * UPDATE. Stateless and thread-safe; never mutates its argument.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7396">RFC 7396</a>
 */
public final class MergePatch {

    private MergePatch() {
    }

    /**
     * The paths {@code patch} explicitly removes: every member, at any depth, whose value is null.
     * In document order of the patch; empty for a patch that is not an object.
     */
    public static List<JsonPointer> removals(JsonNode patch) {
        List<JsonPointer> removals = new ArrayList<>();
        collectRemovals(JsonPointer.ROOT, Objects.requireNonNull(patch, "patch"), removals);
        return List.copyOf(removals);
    }

    private static void collectRemovals(JsonPointer at, JsonNode patch, List<JsonPointer> removals) {
        if (!patch.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            JsonPointer path = at.append(member.getKey());
            if (member.getValue().isNull()) {
                removals.add(path);
            } else {
                collectRemovals(path, member.getValue(), removals);
            }
        }
    }
}

package dev.custodian.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * RFC 7396 JSON Merge Patch: applying one, and listing the removals it asks for. Stateless and
 * thread-safe; never mutates its arguments, and its results share no nodes with them.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7396">RFC 7396</a>
 */
public final class MergePatch {

    private MergePatch() {
    }

    /**
     * The result of applying {@code patch} to {@code target}, exactly as the MergePatch function of
     * RFC 7396 section 2: object members with a null value are removed, other members are merged
     * recursively, and a patch that is not an object replaces the target whole.
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(patch, "patch");
        // One copy up front; merging then works in place on nodes nobody else holds.
        return mergeInto(target.deepCopy(), patch);
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

    private static JsonNode mergeInto(JsonNode owned, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = owned != null && owned.isObject()
            ? (ObjectNode) owned
            : JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                result.set(member.getKey(), mergeInto(result.get(member.getKey()), member.getValue()));
            }
        }
        return result;
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

package dev.custodian.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/**
 * Computes an RFC 6902 patch that turns one document into another. Objects are compared member by
 * member at every depth, so the diff grows with the change, not with the document; arrays and
 * scalars that differ are replaced whole. Stateless and thread-safe; never mutates its arguments.
 */
public final class JsonDiff {

    private JsonDiff() {
    }

    /**
     * The operations that turn {@code before} into {@code after}: {@code remove} for members only in
     * {@code before}, {@code add} for members only in {@code after}, {@code replace} for other values that
     * differ. Values equal under RFC 6902 test semantics ({@code 1} and {@code 1.0}) produce no operation.
     * Ops follow {@code before}'s member order, then new members in {@code after}'s order. The result
     * shares no nodes with the arguments.
     */
    public static ArrayNode diff(JsonNode before, JsonNode after) {
        ArrayNode ops = JsonNodeFactory.instance.arrayNode();
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        diffInto(JsonPointer.ROOT, before, after, ops);
        return ops;
    }

    private static void diffInto(JsonPointer at, JsonNode before, JsonNode after, ArrayNode ops) {
        if (before.isObject() && after.isObject()) {
            diffMembers(at, before, after, ops);
        } else if (!JsonEquality.equal(before, after)) {
            addOp(ops, "replace", at, after);
        }
    }

    private static void diffMembers(JsonPointer at, JsonNode before, JsonNode after, ArrayNode ops) {
        for (Map.Entry<String, JsonNode> member : before.properties()) {
            JsonPointer path = at.append(member.getKey());
            JsonNode next = after.get(member.getKey());
            if (next == null) {
                addOp(ops, "remove", path, null);
            } else {
                diffInto(path, member.getValue(), next, ops);
            }
        }
        for (Map.Entry<String, JsonNode> member : after.properties()) {
            if (!before.has(member.getKey())) {
                addOp(ops, "add", at.append(member.getKey()), member.getValue());
            }
        }
    }

    private static void addOp(ArrayNode ops, String op, JsonPointer path, JsonNode value) {
        ObjectNode operation = ops.addObject().put("op", op).put("path", path.toString());
        if (value != null) {
            operation.set("value", value.deepCopy());
        }
    }
}

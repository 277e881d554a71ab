package dev.custodian.patch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.patch.JsonPatch.Operation;
import dev.custodian.patch.PatchException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks the shape of a JSON Patch document (RFC 6902 section 4) and turns it into operations, so that
 * applying never meets a malformed operation. Members an operation does not use are ignored, as the
 * RFC requires (Appendix A.11).
 */
final class OperationParser {

    private static final List<String> OPS = List.of("add", "remove", "replace", "move", "copy", "test");
    private static final Set<String> NEEDS_FROM = Set.of("move", "copy");
    private static final Set<String> NEEDS_VALUE = Set.of("add", "replace", "test");

    private OperationParser() {
    }

    static List<Operation> parseAll(JsonNode ops) {
        if (ops == null || !ops.isArray()) {
            throw malformed(null, "a JSON Patch must be an array of operations, but got " + JsonKind.of(ops));
        }
        List<Operation> operations = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            operations.add(parseOne(i, ops.get(i)));
        }
        return List.copyOf(operations);
    }

    private static Operation parseOne(int index, JsonNode node) {
        if (!node.isObject()) {
            throw malformed(null, "operation " + index + ": must be an object, but got " + JsonKind.of(node));
        }
        String op = opName(index, node);
        String context = "operation " + index + " (" + op + "): ";
        JsonPointer path = pointer(context, node, "path");
        JsonPointer from = NEEDS_FROM.contains(op) ? pointer(context, node, "from") : null;
        JsonNode value = NEEDS_VALUE.contains(op) ? value(context, node) : null;
        checkTargets(context, op, path, from);
        return new Operation(op, path, from, value);
    }

    private static String opName(int index, JsonNode node) {
        JsonNode op = node.get("op");
        if (op != null && op.isTextual() && OPS.contains(op.asText())) {
            return op.asText();
        }
        String found = op == null ? "it is missing" : "got " + op;
        throw malformed(null,
            "operation " + index + ": 'op' must be one of " + String.join(", ", OPS) + ", but " + found);
    }

    private static JsonPointer pointer(String context, JsonNode node, String field) {
        JsonNode text = node.get(field);
        if (text == null || !text.isTextual()) {
            String found = text == null ? "it is missing" : "got " + JsonKind.of(text);
            throw malformed(null, context + "'" + field + "' must be a string holding a JSON Pointer, but " + found);
        }
        try {
            return JsonPointer.parse(text.asText());
        } catch (PatchException e) {
            throw e.prefixed(context + "'" + field + "' ");
        }
    }

    private static JsonNode value(String context, JsonNode node) {
        // has() is true for "value": null, which is a legitimate value to add, replace with or test for.
        if (!node.has("value")) {
            throw malformed(null, context + "'value' is required (it may be null, but must be present)");
        }
        return node.get("value").deepCopy();
    }

    private static void checkTargets(String context, String op, JsonPointer path, JsonPointer from) {
        if (op.equals("remove") && path.isRoot()) {
            throw malformed("", context + "cannot remove the whole document; replace it instead");
        }
        // RFC 6902 section 4.4: a location cannot be moved into one of its children.
        if (op.equals("move") && path.startsWith(from) && !path.equals(from)) {
            throw malformed(path.toString(), context + "cannot move " + describe(from) + " into its own child " + path);
        }
    }

    private static String describe(JsonPointer pointer) {
        return pointer.isRoot() ? "the whole document" : pointer.toString();
    }

    private static PatchException malformed(String path, String message) {
        return new PatchException(Reason.MALFORMED_PATCH, path, message);
    }
}

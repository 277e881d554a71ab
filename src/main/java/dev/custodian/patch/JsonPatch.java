package dev.custodian.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed RFC 6902 JSON Patch: a validated list of operations that can be applied to documents.
 * Applying is all-or-nothing on a deep copy, so a failed patch leaves nothing half-done and the
 * input document is never mutated. Immutable and thread-safe once parsed (as long as nobody mutates
 * the {@link Operation#value()} nodes it hands out).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6902">RFC 6902</a>
 */
public final class JsonPatch {

    /**
     * One operation of a patch. {@code from} is set only for {@code move} and {@code copy};
     * {@code value} only for {@code add}, {@code replace} and {@code test} (and may then be a JSON null node).
     * Immutable value, apart from the JSON node it carries.
     */
    public record Operation(String op, JsonPointer path, JsonPointer from, JsonNode value) {
    }

    private final List<Operation> operations;

    private JsonPatch(List<Operation> operations) {
        this.operations = operations;
    }

    /**
     * Validates the shape of a patch document and parses it.
     *
     * @throws PatchException with reason MALFORMED_PATCH, naming the first bad operation (counted from 0)
     */
    public static JsonPatch parse(JsonNode ops) {
        return new JsonPatch(OperationParser.parseAll(ops));
    }

    /**
     * The document that results from applying every operation in order to a copy of {@code doc}.
     *
     * @throws PatchException with reason PATH_NOT_FOUND or TEST_FAILED, naming the failing operation;
     *     {@code doc} is unchanged either way
     */
    public JsonNode apply(JsonNode doc) {
        WorkingCopy copy = new WorkingCopy(Objects.requireNonNull(doc, "doc"));
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = operations.get(i);
            try {
                applyOne(operation, copy);
            } catch (PatchException e) {
                throw e.prefixed("operation " + i + " (" + operation.op() + "): ");
            }
        }
        return copy.root();
    }

    /** The operations, in order. */
    public List<Operation> operations() {
        return operations;
    }

    /** The paths this patch explicitly removes: the {@code path} of every remove and the {@code from} of every move. */
    public List<JsonPointer> removals() {
        List<JsonPointer> removals = new ArrayList<>();
        for (Operation operation : operations) {
            if (operation.op().equals("remove")) {
                removals.add(operation.path());
            } else if (operation.op().equals("move")) {
                removals.add(operation.from());
            }
        }
        return List.copyOf(removals);
    }

    private static void applyOne(Operation operation, WorkingCopy doc) {
        JsonPointer path = operation.path();
        switch (operation.op()) {
            // Values are copied so the result shares no nodes with the patch, nor two results with each other.
            case "add" -> doc.add(path, operation.value().deepCopy());
            case "remove" -> doc.remove(path);
            case "replace" -> doc.replace(path, operation.value().deepCopy());
            case "move" -> doc.move(operation.from(), path);
            case "copy" -> doc.add(path, doc.get(operation.from()).deepCopy());
            case "test" -> doc.test(path, operation.value());
            default -> throw new IllegalStateException("operation was not validated: " + operation.op());
        }
    }
}

package dev.custodian.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.patch.PatchException.Reason;

/**
 * A private deep copy of a document that JSON Patch operations change in place (RFC 6902 section 4).
 * Owning the copy is what lets a patch be all-or-nothing: on failure the copy is simply dropped.
 * Not thread-safe; lives for one {@link JsonPatch#apply} call.
 */
final class WorkingCopy {

    // Longer values are cut in messages, which are meant to be read, not to carry documents.
    private static final int MAX_SHOWN_CODE_POINTS = 200;

    private JsonNode root;

    WorkingCopy(JsonNode doc) {
        this.root = doc.deepCopy();
    }

    JsonNode root() {
        return root;
    }

    JsonNode get(JsonPointer path) {
        return path.find(root).orElseThrow(() -> new PatchException(Reason.PATH_NOT_FOUND, path.toString(),
            "path " + path + " does not exist: " + path.explainAbsence(root)));
    }

    void add(JsonPointer path, JsonNode value) {
        if (path.isRoot()) {
            root = value;
            return;
        }
        JsonNode parent = path.parent().find(root).orElse(null);
        if (parent instanceof ObjectNode object) {
            object.set(path.lastToken(), value);
        } else if (parent instanceof ArrayNode array && path.lastToken().equals("-")) {
            array.add(value);
        } else if (parent instanceof ArrayNode array && isInsertionIndex(path.lastToken(), array)) {
            array.insert(ArrayIndex.parse(path.lastToken()), value);
        } else {
            throw new PatchException(Reason.PATH_NOT_FOUND, path.toString(),
                "cannot add at " + path + ": " + path.explainAbsence(root));
        }
    }

    JsonNode remove(JsonPointer path) {
        JsonNode removed = get(path);
        JsonNode parent = path.parent().find(root).orElseThrow();
        if (parent instanceof ObjectNode object) {
            object.remove(path.lastToken());
        } else {
            ((ArrayNode) parent).remove(ArrayIndex.parse(path.lastToken()));
        }
        return removed;
    }

    void replace(JsonPointer path, JsonNode value) {
        get(path);
        if (path.isRoot()) {
            root = value;
            return;
        }
        JsonNode parent = path.parent().find(root).orElseThrow();
        if (parent instanceof ObjectNode object) {
            object.set(path.lastToken(), value);
        } else {
            ((ArrayNode) parent).set(ArrayIndex.parse(path.lastToken()), value);
        }
    }

    void move(JsonPointer from, JsonPointer path) {
        if (from.equals(path)) {
            get(from); // a move onto itself changes nothing, but "from" must still exist
            return;
        }
        add(path, remove(from));
    }

    void test(JsonPointer path, JsonNode expected) {
        JsonNode actual = path.find(root).orElseThrow(() -> new PatchException(Reason.TEST_FAILED, path.toString(),
            "test failed at " + path + ": expected " + shown(expected) + " but the path does not exist: "
                + path.explainAbsence(root)));
        if (!JsonEquality.equal(actual, expected)) {
            throw new PatchException(Reason.TEST_FAILED, path.toString(),
                "test failed at " + path + ": expected " + shown(expected) + " but found " + shown(actual));
        }
    }

    private static boolean isInsertionIndex(String token, ArrayNode array) {
        int index = ArrayIndex.parse(token);
        // Inserting at size() appends, so it is valid although no element has that index yet.
        return index != ArrayIndex.NONE && index <= array.size();
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        if (text.codePointCount(0, text.length()) <= MAX_SHOWN_CODE_POINTS) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, MAX_SHOWN_CODE_POINTS)) + "…";
    }
}

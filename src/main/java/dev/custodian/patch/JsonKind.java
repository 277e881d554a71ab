package dev.custodian.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Names the kind of a JSON value for error messages ("an object", "a string", "null").
 */
final class JsonKind {

    private JsonKind() {
    }

    static String of(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT) + " value";
        };
    }
}

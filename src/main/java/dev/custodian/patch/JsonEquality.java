package dev.custodian.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Equality of JSON values as RFC 6902 section 4.6 defines it for {@code test}: numbers are equal when
 * their values are ({@code 1} equals {@code 1.0}, which {@link JsonNode#equals} denies), object member
 * order does not matter, array order does.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6902#section-4.6">RFC 6902 section 4.6</a>
 */
final class JsonEquality {

    private JsonEquality() {
    }

    static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return numbersEqual(a, b);
        }
        if (a.getNodeType() != b.getNodeType()) {
            return false;
        }
        if (a.isObject()) {
            return objectsEqual(a, b);
        }
        if (a.isArray()) {
            return arraysEqual(a, b);
        }
        return a.equals(b);
    }

    private static boolean numbersEqual(JsonNode a, JsonNode b) {
        // NaN and infinities cannot come from JSON text, only from nodes built in code, and have no BigDecimal form.
        if (!hasDecimalForm(a) || !hasDecimalForm(b)) {
            return a.doubleValue() == b.doubleValue();
        }
        return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }

    private static boolean hasDecimalForm(JsonNode number) {
        // Only float and double nodes can hold NaN or an infinity.
        return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
    }

    private static boolean objectsEqual(JsonNode a, JsonNode b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> member : a.properties()) {
            JsonNode other = b.get(member.getKey());
            if (other == null || !equal(member.getValue(), other)) {
                return false;
            }
        }
        return true;
    }

    private static boolean arraysEqual(JsonNode a, JsonNode b) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<JsonNode> others = b.elements();
        for (JsonNode element : a) {
            if (!equal(element, others.next())) {
                return false;
            }
        }
        return true;
    }
}

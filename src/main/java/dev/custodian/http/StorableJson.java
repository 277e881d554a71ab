package dev.custodian.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.http.ApiException.FieldError;
import dev.custodian.patch.JsonPointer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Refuses a parsed request body holding anything PostgreSQL could not store exactly as sent,
 * naming each place by its JSON Pointer, so that what is accepted is never altered:
 * <ul>
 *   <li>a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair) in a string or a key is
 *       no Unicode character (RFC 8259 section 8.2); the driver would send it as {@code ?}:
 *       400 {@code malformed-json};</li>
 *   <li>U+0000 in a string or a key, which neither text nor jsonb can hold (SQLSTATE 22021,
 *       22P05): 422 {@code validation};</li>
 *   <li>a number beyond PostgreSQL's numeric: more than 131072 digits before the decimal
 *       point or 16383 after (<a href="https://www.postgresql.org/docs/current/datatype-numeric.html">
 *       numeric types</a>): 422 {@code validation}.</li>
 * </ul>
 * One walk, linear in the size of the body; a pointer is built only for a place refused.
 * Thread-safe (stateless).
 */
final class StorableJson {
    private static final int MAX_INTEGER_DIGITS = 131_072;
    private static final int MAX_FRACTION_DIGITS = 16_383;
    /** Enough places to fix a body by; a body full of them need not be listed whole. */
    private static final int MAX_REPORTED = 20;

    private final List<String> tokens = new ArrayList<>();
    private final List<FieldError> errors = new ArrayList<>();
    private boolean malformed;

    private StorableJson() {
    }

    /** Throws the 400 or 422 naming every place (up to twenty) that cannot be stored as sent. */
    static void check(JsonNode body) {
        var walk = new StorableJson();
        walk.visit(body);
        if (!walk.errors.isEmpty()) {
            throw ApiException.withErrors(walk.malformed ? ProblemType.MALFORMED_JSON : ProblemType.VALIDATION,
                    walk.errors);
        }
    }

    private void visit(JsonNode node) {
        if (errors.size() >= MAX_REPORTED) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> members = node.fields(); members.hasNext(); ) {
                var member = members.next();
                tokens.add(member.getKey());
                text(member.getKey(), "the key");
                visit(member.getValue());
                tokens.remove(tokens.size() - 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                tokens.add(Integer.toString(i));
                visit(node.get(i));
                tokens.remove(tokens.size() - 1);
            }
        } else if (node.isTextual()) {
            text(node.textValue(), "the string");
        } else if (node.isBigDecimal()) {
            number(node.decimalValue());
        }
    }

    private void text(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                refuse(false, what + " contains U+0000 (NUL) at character " + characterNumber(text, i)
                        + ", which PostgreSQL cannot store; remove it");
                return;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                refuse(true, what + " contains a lone surrogate \\u" + Integer.toHexString(c) + " at character "
                        + characterNumber(text, i) + ", which is not a Unicode character; send a complete"
                        + " surrogate pair (such as \\ud83d\\ude00) or the character itself");
                return;
            }
        }
    }

    private void number(BigDecimal number) {
        int fraction = Math.max(number.scale(), 0);
        int integer = number.signum() == 0 ? 1 : number.precision() - number.scale();
        if (fraction > MAX_FRACTION_DIGITS) {
            refuse(false, "the number has " + fraction + " digits after the decimal point; PostgreSQL stores at most "
                    + MAX_FRACTION_DIGITS);
        } else if (integer > MAX_INTEGER_DIGITS) {
            refuse(false, "the number has " + integer + " digits before the decimal point; PostgreSQL stores at most "
                    + MAX_INTEGER_DIGITS);
        }
    }

    private void refuse(boolean notUnicode, String message) {
        malformed |= notUnicode;
        if (errors.size() < MAX_REPORTED) {
            errors.add(new FieldError(JsonPointer.of(tokens).toString(), message));
        }
    }

    /** Counted from 1, in Unicode characters (a surrogate pair is one). */
    private static int characterNumber(String text, int index) {
        return text.codePointCount(0, index) + 1;
    }
}

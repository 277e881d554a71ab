package dev.custodian.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An RFC 6901 JSON Pointer: a list of reference tokens leading into a JSON document. Owns the
 * pointer syntax (parsing, {@code ~0}/{@code ~1} escaping) and lookup; it never changes a document.
 * Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6901">RFC 6901</a>
 */
public final class JsonPointer {

    static final JsonPointer ROOT = new JsonPointer(List.of());

    private final List<String> tokens;

    private JsonPointer(List<String> tokens) {
        this.tokens = tokens;
    }

    /**
     * Parses pointer text such as {@code /data/a~1b}. The empty string is the whole document.
     *
     * @throws PatchException with reason MALFORMED_PATCH if the text is not empty and does not start with
     *     {@code /}, or has a {@code ~} not followed by {@code 0} or {@code 1}
     */
    public static JsonPointer parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return ROOT;
        }
        if (text.charAt(0) != '/') {
            throw malformed(text, "it must be empty or start with '/'");
        }
        List<String> tokens = new ArrayList<>();
        for (String escaped : text.substring(1).split("/", -1)) {
            tokens.add(unescape(escaped, text));
        }
        return new JsonPointer(List.copyOf(tokens));
    }

    /** The pointer made of these (unescaped) tokens. */
    public static JsonPointer of(List<String> tokens) {
        return tokens.isEmpty() ? ROOT : new JsonPointer(List.copyOf(tokens));
    }

    /** The unescaped reference tokens, outermost first; empty for the root. */
    public List<String> tokens() {
        return tokens;
    }

    /** This pointer extended by one (unescaped) token. */
    public JsonPointer append(String token) {
        List<String> longer = new ArrayList<>(tokens.size() + 1);
        longer.addAll(tokens);
        longer.add(Objects.requireNonNull(token, "token"));
        return new JsonPointer(List.copyOf(longer));
    }

    /**
     * The pointer to the container holding this location.
     *
     * @throws IllegalStateException for the root, which has no parent
     */
    public JsonPointer parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root pointer has no parent");
        }
        return of(tokens.subList(0, tokens.size() - 1));
    }

    /** Whether this pointer is the empty pointer, which names the whole document. */
    public boolean isRoot() {
        return tokens.isEmpty();
    }

    /** Whether {@code prefix} is this pointer or one of its ancestors; compared token by token. */
    public boolean startsWith(JsonPointer prefix) {
        return prefix.tokens.size() <= tokens.size()
            && tokens.subList(0, prefix.tokens.size()).equals(prefix.tokens);
    }

    /** The value this pointer names in {@code doc}, or empty if there is none. Never mutates {@code doc}. */
    public Optional<JsonNode> find(JsonNode doc) {
        JsonNode node = Objects.requireNonNull(doc, "doc");
        for (String token : tokens) {
            node = child(node, token);
            if (node == null) {
                return Optional.empty();
            }
        }
        return Optional.of(node);
    }

    /** The last token; only meaningful for a pointer that is not the root. */
    String lastToken() {
        return tokens.get(tokens.size() - 1);
    }

    /**
     * Explains why {@link #find} comes back empty for {@code doc}, naming the first step that fails,
     * e.g. "its parent /data has no member 'addres'".
     */
    String explainAbsence(JsonNode doc) {
        JsonNode node = doc;
        for (int depth = 0; depth < tokens.size(); depth++) {
            JsonNode next = child(node, tokens.get(depth));
            if (next == null) {
                return explainMissingStep(node, depth);
            }
            node = next;
        }
        throw new IllegalStateException(this + " exists in the document");
    }

    private String explainMissingStep(JsonNode container, int depth) {
        String token = tokens.get(depth);
        JsonPointer at = of(tokens.subList(0, depth));
        String where = at.isRoot() ? "the document root"
            : (depth == tokens.size() - 1 ? "its parent " : "") + at;
        if (container.isObject()) {
            return where + " has no member '" + token + "'";
        }
        if (container.isArray()) {
            return ArrayIndex.parse(token) == ArrayIndex.NONE
                ? where + " is an array, and '" + token + "' is not an array index"
                : where + " is an array of " + container.size() + " elements, so index " + token
                    + " is out of range";
        }
        return where + " is " + JsonKind.of(container) + ", not an object or array";
    }

    private static JsonNode child(JsonNode node, String token) {
        if (node.isObject()) {
            return node.get(token);
        }
        if (node.isArray()) {
            int index = ArrayIndex.parse(token);
            return index != ArrayIndex.NONE && index < node.size() ? node.get(index) : null;
        }
        return null;
    }

    private static String unescape(String escaped, String text) {
        if (escaped.indexOf('~') < 0) {
            return escaped;
        }
        StringBuilder token = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '~') {
                token.append(c);
                continue;
            }
            boolean validEscape = i + 1 < escaped.length() && "01".indexOf(escaped.charAt(i + 1)) >= 0;
            if (!validEscape) {
                throw malformed(text, "'~' must be followed by '0' or '1' (write '~0' for '~' and '~1' for '/')");
            }
            i++;
            token.append(escaped.charAt(i) == '0' ? '~' : '/');
        }
        return token.toString();
    }

    private static PatchException malformed(String text, String why) {
        return new PatchException(PatchException.Reason.MALFORMED_PATCH, text,
            "\"" + text + "\" is not a JSON Pointer: " + why);
    }

    /** The pointer text, with {@code ~} and {@code /} inside tokens escaped again. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (String token : tokens) {
            // Order matters (RFC 6901 section 4): escape '~' first so the '~1' made for '/' is not escaped again.
            text.append('/').append(token.replace("~", "~0").replace("/", "~1"));
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JsonPointer pointer && tokens.equals(pointer.tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }
}

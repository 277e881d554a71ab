package dev.custodian.users;

import dev.custodian.http.ApiException;
import io.javalin.http.Context;

/**
 * The filters of {@code GET /users}: an exact email address ignoring case, and a part of the
 * name ignoring case. Null members match everyone. Immutable.
 */
record UserFilter(String email, String nameContains) {
    /** A name is at most 200 characters, so a longer part of one matches nothing: it is a mistake. */
    private static final int LONGEST_NAME = 200;
    /**
     * The trigram index answers a part of three characters or more. A shorter one matches most
     * names when it is common and, when it is rare, can only be answered by reading the whole
     * table (seconds on a million users, up to the statement timeout).
     */
    private static final int SHORTEST_PART = 3;

    static UserFilter parse(Context ctx) {
        return new UserFilter(ctx.queryParam("email"), nameContains(ctx.queryParam("name")));
    }

    /**
     * The name filter as a LIKE pattern with {@code \} as its escape character: the text is
     * matched as written, so {@code %}, {@code _} and {@code \} in it are characters of the name,
     * not wildcards. Null when there is no name filter.
     */
    String namePattern() {
        if (nameContains == null) {
            return null;
        }
        String literal = nameContains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return "%" + literal + "%";
    }

    private static String nameContains(String text) {
        if (text == null) {
            return null;
        }
        int length = text.codePointCount(0, text.length());
        if (text.isBlank() || length < SHORTEST_PART || length > LONGEST_NAME) {
            throw ApiException.validation("name", "must be a part of a name of " + SHORTEST_PART + " to " + LONGEST_NAME
                    + " characters, not only spaces (for a short name, add a space or a neighbouring letter: ' Li'); got '"
                    + text + "'");
        }
        if (text.indexOf('\u0000') >= 0) {
            throw ApiException.validation("name", "must not contain the character U+0000, which no name holds");
        }
        return text;
    }
}

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
        if (text.isBlank() || text.codePointCount(0, text.length()) > LONGEST_NAME) {
            throw ApiException.validation("name", "must be a part of a name, 1 to " + LONGEST_NAME
                    + " characters and not only spaces; got '" + text + "'");
        }
        if (text.indexOf('\u0000') >= 0) {
            throw ApiException.validation("name", "must not contain the character U+0000, which no name holds");
        }
        return text;
    }
}

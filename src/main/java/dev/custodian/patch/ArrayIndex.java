package dev.custodian.patch;

/**
 * Reads a reference token as an array index: digits only, no leading zeros, as RFC 6901 section 4
 * requires ("01" and "-1" are not indexes; "-" is handled by callers because only {@code add} accepts it).
 */
final class ArrayIndex {

    static final int NONE = -1;

    private ArrayIndex() {
    }

    /** The index the token names, or {@link #NONE} if it is not a valid array index. */
    static int parse(String token) {
        // Ten digits already exceed what an int (and so a Java array) can index.
        if (token.isEmpty() || token.length() > 10 || (token.length() > 1 && token.charAt(0) == '0')) {
            return NONE;
        }
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) < '0' || token.charAt(i) > '9') {
                return NONE;
            }
        }
        long value = Long.parseLong(token);
        return value > Integer.MAX_VALUE ? NONE : (int) value;
    }
}

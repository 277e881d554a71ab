package dev.custodian.http;

import dev.custodian.tracked.TrackedTable;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Path and query parameters every resource reads the same way: an id in the path (404 when it
 * cannot name anything), a row's key in the path (400 when it is not of the key's type), page sizes and positive numbers in the query (422 naming the
 * parameter).
 */
public final class Params {
    private Params() {
    }

    /** The {@code {id}} path parameter; {@code noun} names the resource in the 404 ("user"). */
    public static long id(Context ctx, String noun) {
        String text = ctx.pathParam("id");
        OptionalLong id = parsePositive(text);
        if (id.isEmpty()) {
            throw ApiException.notFound("no " + noun + " '" + text + "': " + noun + " ids are positive whole numbers");
        }
        return id.getAsLong();
    }

    /**
     * The {@code {key}} path parameter as a key of {@code table}, as PostgreSQL prints it; 400
     * naming the path when it is not a value of the key's type (nothing was read or changed).
     */
    public static String rowKey(Context ctx, TrackedTable table) {
        String text = ctx.pathParam("key");
        return table.canonicalKey(text).orElseThrow(() -> new ApiException(ProblemType.BAD_REQUEST, ctx.path() + ": "
                + table.notAKey(text) + "; nothing was read or changed",
                List.of(new ApiException.FieldError("key", "must be a value of type " + table.keyType())), Map.of()));
    }

    /** The {@code limit} query parameter: 1 to {@code max}, {@code fallback} when absent. */
    public static int limit(Context ctx, int fallback, int max) {
        String text = ctx.queryParam("limit");
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        OptionalLong value = parsePositive(text);
        if (value.isEmpty() || value.getAsLong() > max) {
            throw ApiException.validation("limit", "must be a whole number from 1 to " + max + ", got '" + text + "'");
        }
        return (int) value.getAsLong();
    }

    /** A query parameter that must be a whole number from 1 when present; {@code meaning} says what it is. */
    public static OptionalLong positive(Context ctx, String name, String meaning) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return OptionalLong.empty();
        }
        OptionalLong value = parsePositive(text.trim());
        if (value.isEmpty()) {
            throw ApiException.validation(name, "must be " + meaning + ", a whole number from 1; got '" + text + "'");
        }
        return value;
    }

    /** A yes-or-no query parameter: absent or {@code false} is false; present empty or {@code true} is true. */
    public static boolean flag(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.isEmpty() || value.equalsIgnoreCase("true")) {
            return true;
        }
        throw ApiException.validation(name, "must be true or false, got '" + value + "'");
    }

    private static OptionalLong parsePositive(String text) {
        try {
            long value = Long.parseLong(text);
            return value > 0 ? OptionalLong.of(value) : OptionalLong.empty();
        } catch (NumberFormatException notANumber) {
            return OptionalLong.empty();
        }
    }
}

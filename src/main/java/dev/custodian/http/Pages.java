package dev.custodian.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Answers a page of a list as {@code {"items": [...], "next": "<cursor>" or null}}. Callers
 * fetch one row more than the limit: its presence is what says another page exists. Items are
 * JSON text already (from the database), so they are joined, not re-serialised.
 */
public final class Pages {
    private Pages() {
    }

    public static <T> void respond(Context ctx, List<T> fetched, int limit, Function<T, String> json, ToLongFunction<T> cursor) {
        respondWithCursor(ctx, fetched, limit, json, item -> Long.toString(cursor.applyAsLong(item)));
    }

    /** The same, for a cursor that is not one number (a position in an order of several columns). */
    public static <T> void respondWithCursor(Context ctx, List<T> fetched, int limit, Function<T, String> json,
                                             Function<T, String> cursor) {
        boolean more = fetched.size() > limit;
        List<T> items = more ? fetched.subList(0, limit) : fetched;
        String next = more ? Json.write(cursor.apply(items.get(items.size() - 1))) : "null";
        ctx.contentType(Bodies.JSON).result("{\"items\":[" + String.join(",", items.stream().map(json).toList())
                + "],\"next\":" + next + "}");
    }
}

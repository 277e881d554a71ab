package dev.custodian.history;

import dev.custodian.http.ApiException;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A validated {@code GET /changes}: the changes of all rows of one tracked table (users, or the
 * adopted table {@code ?table=} names) in {@code [from, to)}, optionally of one actor, one source
 * and one request, older than the {@code before} cursor. Null members match everything. Immutable.
 */
record ChangesQuery(Instant from, Instant to, String actor, String source, String requestId, Position before) {

    /**
     * Where a page ends in the order of {@code /changes}: time, then key, then version, all
     * descending. The key is text as PostgreSQL prints it (a user's id, an adopted row's key).
     */
    record Position(Instant at, String key, long version) {

        /**
         * The {@code next} cursor: the entry's time as the API shows it, its key and its version.
         * A text key may hold commas: the time has none and the version none, so the key is
         * whatever stands between the first comma and the last.
         */
        static String cursor(String at, String key, long version) {
            return at + "," + key + "," + version;
        }

        static Position parse(String text, Function<String, Optional<String>> keys, List<ApiException.FieldError> errors) {
            int first = text.indexOf(',');
            int last = text.lastIndexOf(',');
            try {
                if (first > 0 && last > first) {
                    Optional<String> key = keys.apply(text.substring(first + 1, last));
                    long version = Long.parseLong(text.substring(last + 1));
                    if (key.isPresent() && version > 0) {
                        return new Position(Times.parse("before", text.substring(0, first)), key.get(), version);
                    }
                }
            } catch (NumberFormatException | ApiException malformed) {
                // reported below, as one message about the whole cursor
            }
            errors.add(new ApiException.FieldError("before", "must be the 'next' value of the previous page, got '" + text + "'"));
            return null;
        }
    }

    /** The query {@code ctx} asks; {@code keys} gives a key of the table as PostgreSQL prints it, empty when it is none. */
    static ChangesQuery parse(Context ctx, Function<String, Optional<String>> keys) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        Instant from = time(ctx, "from", errors);
        Instant to = time(ctx, "to", errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(new ApiException.FieldError("to", "must be later than from"));
        }
        String source = text(ctx, "source");
        if (source != null && !RollbackRequest.SOURCES.contains(source)) {
            errors.add(new ApiException.FieldError("source", "must be api or sql, got '" + source + "'"));
        }
        String before = text(ctx, "before");
        Position position = before == null ? null : Position.parse(before, keys, errors);
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        return new ChangesQuery(from, to, text(ctx, "actor"), source, text(ctx, "requestId"), position);
    }

    /** A query parameter, or null when absent or empty (an empty filter field of a form). */
    private static String text(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isEmpty() ? null : value;
    }

    private static Instant time(Context ctx, String name, List<ApiException.FieldError> errors) {
        String value = text(ctx, name);
        if (value == null) {
            return null;
        }
        try {
            return Times.parse(name, value);
        } catch (ApiException e) {
            errors.addAll(e.errors());
            return null;
        }
    }
}

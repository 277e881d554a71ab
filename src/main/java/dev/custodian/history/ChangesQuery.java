package dev.custodian.history;

import dev.custodian.http.ApiException;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code GET /changes}: the changes of all users in {@code [from, to)}, optionally of
 * one actor, one source and one request, older than the {@code before} cursor. Null members
 * match everything. Immutable.
 */
record ChangesQuery(Instant from, Instant to, String actor, String source, String requestId, Position before) {

    /** Where a page ends in the order of {@code /changes}: time, then user, then version, all descending. */
    record Position(Instant at, long userId, long version) {

        /** The {@code next} cursor: the entry's time as the API shows it, its user and its version. */
        static String cursor(String at, long userId, long version) {
            return at + "," + userId + "," + version;
        }

        static Position parse(String text, List<ApiException.FieldError> errors) {
            String[] parts = text.split(",", -1);
            try {
                if (parts.length == 3) {
                    long userId = Long.parseLong(parts[1]);
                    long version = Long.parseLong(parts[2]);
                    if (userId > 0 && version > 0) {
                        return new Position(Times.parse("before", parts[0]), userId, version);
                    }
                }
            } catch (NumberFormatException | ApiException malformed) {
                // reported below, as one message about the whole cursor
            }
            errors.add(new ApiException.FieldError("before", "must be the 'next' value of the previous page, got '" + text + "'"));
            return null;
        }
    }

    static ChangesQuery parse(Context ctx) {
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
        Position position = before == null ? null : Position.parse(before, errors);
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

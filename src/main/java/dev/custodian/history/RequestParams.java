package dev.custodian.history;

import dev.custodian.http.ApiException;
import io.javalin.http.Context;
import java.util.OptionalLong;

/** Path and query parameters of the history routes, each failure a 404 or a 422 naming the parameter. */
final class RequestParams {
    private RequestParams() {
    }

    static long userId(Context ctx) {
        String text = ctx.pathParam("id");
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw ApiException.notFound("no user '" + text + "': user ids are positive whole numbers");
    }

    /** A query parameter that must be a version number (1 or more) when present. */
    static OptionalLong version(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return OptionalLong.empty();
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value > 0) {
                return OptionalLong.of(value);
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw ApiException.validation(name, "must be a version number, a whole number from 1; got '" + text + "'");
    }

    static int limit(Context ctx, int fallback, int max) {
        String text = ctx.queryParam("limit");
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw ApiException.validation("limit", "must be a whole number from 1 to " + max + ", got '" + text + "'");
    }
}

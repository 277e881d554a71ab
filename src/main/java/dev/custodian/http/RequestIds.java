package dev.custodian.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every request an id: the client's {@code X-Request-Id} when it is sane (1 to 128
 * visible ASCII characters), a new UUID otherwise. The id is echoed in the response, put in
 * the logging context for every log line, and recorded with each change in history.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "custodian.requestId";
    private static final Pattern SANE = Pattern.compile("[\\x21-\\x7e]{1,128}");

    private RequestIds() {
    }

    public static void assign(Context ctx) {
        String offered = ctx.header(HEADER);
        String id = offered != null && SANE.matcher(offered).matches() ? offered : newId();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        MDC.put("requestId", id);
    }

    /** A fresh id, for a request that offered none usable or never reached the routes. */
    static String newId() {
        return UUID.randomUUID().toString();
    }

    public static void clear(Context ctx) {
        MDC.remove("requestId");
    }

    /** The request's id, or null before {@link #assign} ran. */
    public static String of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }
}

package dev.custodian.http;

import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per request that reached the routes: request id, method, route (the template,
 * such as {@code /users/{id}}), status and time. Never the query string, a header or the body:
 * those carry emails, tokens and the data itself. Thread-safe (stateless).
 */
public final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    private AccessLog() {
    }

    /** Javalin's request logger: called once a request is answered. */
    public static void record(Context ctx, Float millis) {
        log.info("{} {} {} {} {} ms", RequestIds.of(ctx), HeadRequests.method(ctx), route(ctx), ctx.statusCode(), Math.round(millis));
    }

    /** The route template the request matched, or "-" when none did (Javalin then gives a sentence). */
    private static String route(Context ctx) {
        String route = ctx.endpointHandlerPath();
        return route != null && route.startsWith("/") ? route : "-";
    }
}

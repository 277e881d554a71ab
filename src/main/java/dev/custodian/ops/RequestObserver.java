package dev.custodian.ops;

import dev.custodian.auth.AccessControl;
import dev.custodian.http.HeadRequests;
import dev.custodian.http.ProblemResponses;
import dev.custodian.http.RequestIds;
import io.javalin.event.HandlerMetaInfo;
import io.javalin.http.Context;
import io.javalin.http.RequestLogger;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sees every request once it is answered (Javalin's request logger): records it in the
 * metrics and writes its access log line. A request is named by the route template it
 * matched, never by its raw path, so metric labels stay a small, fixed set. Thread-safe;
 * routes are added while the server is built.
 */
public final class RequestObserver implements RequestLogger {
    /** The route of a request no endpoint matched (404, 405). */
    static final String UNMATCHED = "unmatched";

    private final Set<String> routes = ConcurrentHashMap.newKeySet();
    private final ServiceMetrics metrics;
    private final AccessLog accessLog = new AccessLog();

    public RequestObserver(ServiceMetrics metrics) {
        this.metrics = metrics;
    }

    /** Learns the route templates: the paths of endpoints, not of before and after handlers. */
    public void handlerAdded(HandlerMetaInfo handler) {
        if (handler.getHttpMethod().isHttpMethod()) {
            routes.add(handler.getPath());
        }
    }

    @Override
    public void handle(Context ctx, Float millis) {
        var request = new FinishedRequest(HeadRequests.method(ctx), routeOf(ctx), ctx.statusCode(), millis,
                RequestIds.of(ctx), AccessControl.actorOf(ctx), ProblemResponses.problemOf(ctx));
        metrics.record(request);
        accessLog.write(request);
    }

    /**
     * Javalin keeps the matched endpoint's path once routing is done; for a request no endpoint
     * matched it holds a placeholder or a before handler's {@code *}, which are not routes.
     */
    private String routeOf(Context ctx) {
        String path = ctx.endpointHandlerPath();
        return routes.contains(path) ? path : UNMATCHED;
    }
}

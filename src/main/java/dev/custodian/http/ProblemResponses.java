package dev.custodian.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import dev.custodian.patch.PatchException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns failures into RFC 9457 {@code application/problem+json} responses:
 * our {@link ApiException}s, Javalin's own responses (unknown routes, wrong methods, bodies too
 * large) and anything unexpected, which is logged once here with its stack trace and the
 * request id, and answered as a 500 without internals.
 */
public final class ProblemResponses {
    public static final String CONTENT_TYPE = "application/problem+json";
    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    private static final int RETRY_AFTER_SECONDS = 5;
    private static final String PROBLEM_ATTRIBUTE = "custodian.problem";

    private ProblemResponses() {
    }

    public static void install(Javalin app) {
        app.exception(ApiException.class, (e, ctx) -> respond(ctx, e));
        app.exception(PatchException.class, (e, ctx) -> respond(ctx, fromPatch(e)));
        app.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, fromJavalin(e)));
        app.exception(Exception.class, (e, ctx) -> respond(ctx, unexpected(ctx, e)));
        // Errors Javalin produces without an exception (an unmatched route, for example).
        app.error(404, ctx -> respondIfEmpty(ctx, ProblemType.NOT_FOUND, "no resource at " + ctx.path()));
        app.error(405, ctx -> respondIfEmpty(ctx, ProblemType.METHOD_NOT_ALLOWED,
                ctx.method() + " is not supported on " + ctx.path()));
    }

    public static void respond(Context ctx, ApiException e) {
        ctx.attribute(PROBLEM_ATTRIBUTE, e.type());
        ObjectNode body = Json.MAPPER.createObjectNode();
        ProblemType type = e.type();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", e.getMessage());
        body.put("instance", ctx.path());
        String requestId = RequestIds.of(ctx);
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        if (!e.errors().isEmpty()) {
            body.set("errors", Json.MAPPER.valueToTree(e.errors()));
        }
        for (Map.Entry<String, Object> extension : e.extensions().entrySet()) {
            body.set(extension.getKey(), Json.MAPPER.valueToTree(extension.getValue()));
        }
        if (type == ProblemType.UNAVAILABLE) {
            ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        ctx.status(type.status()).contentType(CONTENT_TYPE).result(Json.write(body));
    }

    /** The problem type this request was answered with, for its metrics and access log. */
    public static Optional<ProblemType> problemOf(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PROBLEM_ATTRIBUTE));
    }

    private static void respondIfEmpty(Context ctx, ProblemType type, String detail) {
        if (!CONTENT_TYPE.equals(ctx.res().getContentType())) {
            respond(ctx, new ApiException(type, detail));
        }
    }

    private static ApiException fromPatch(PatchException e) {
        return switch (e.reason()) {
            case MALFORMED_PATCH -> new ApiException(ProblemType.MALFORMED_PATCH, e.getMessage());
            case TEST_FAILED -> new ApiException(ProblemType.TEST_FAILED, e.getMessage());
            case PATH_NOT_FOUND -> new ApiException(ProblemType.VALIDATION, e.getMessage(),
                    List.of(new ApiException.FieldError(e.path() == null ? "" : e.path(), e.getMessage())), Map.of());
        };
    }

    private static ApiException fromJavalin(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> new ApiException(ProblemType.NOT_FOUND, "no resource at this address");
            case 405 -> new ApiException(ProblemType.METHOD_NOT_ALLOWED, "this method is not supported here");
            case 413 -> new ApiException(ProblemType.PAYLOAD_TOO_LARGE,
                    "the body is larger than the server accepts (CUSTODIAN_MAX_BODY)");
            case 401 -> new ApiException(ProblemType.UNAUTHORIZED, e.getMessage());
            case 403 -> new ApiException(ProblemType.FORBIDDEN, e.getMessage());
            case 415 -> new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
            case 503 -> new ApiException(ProblemType.UNAVAILABLE, e.getMessage());
            default -> e.getStatus() < 500
                    ? ApiException.validation("", e.getMessage())
                    : new ApiException(ProblemType.INTERNAL, "the server failed; quote the request id when reporting it");
        };
    }

    private static ApiException unexpected(Context ctx, Exception e) {
        log.error("unexpected failure in {} {}", ctx.method(), ctx.path(), e);
        return new ApiException(ProblemType.INTERNAL, "the server failed; quote the request id when reporting it");
    }
}

package dev.custodian.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import dev.custodian.config.Settings;
import dev.custodian.db.DatabaseException;
import dev.custodian.patch.PatchException;
import dev.custodian.tracked.RowErasedException;
import dev.custodian.tracked.RowNotFoundException;
import dev.custodian.tracked.VersionMismatchException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns failures into RFC 9457 {@code application/problem+json} responses:
 * our {@link ApiException}s, Javalin's own responses (unknown routes, wrong methods, bodies too
 * large), requests Jetty refuses before any route sees them ({@link RejectedRequests}), and
 * anything unexpected, which is logged once here with its stack trace and the request id, and
 * answered as a 500 without internals.
 */
public final class ProblemResponses {
    public static final String CONTENT_TYPE = "application/problem+json";
    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    private static final int RETRY_AFTER_SECONDS = 5;
    private static final ObjectWriter ASCII = Json.MAPPER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);
    private static final String PROBLEM_ATTRIBUTE = "custodian.problem";

    private ProblemResponses() {
    }

    /** Sends every failure here: Javalin's exception and error handlers, and Jetty's error handlers. */
    public static void install(JavalinConfig config) {
        config.router.mount(routes -> {
            routes.exception(ApiException.class, (e, ctx) -> respond(ctx, Preconditions.onMissing(ctx, e)));
            routes.exception(PatchException.class, (e, ctx) -> respond(ctx, fromPatch(e)));
            routes.exception(DatabaseException.class, (e, ctx) -> respond(ctx, fromDatabase(e)));
            routes.exception(RowNotFoundException.class,
                    (e, ctx) -> respond(ctx, Preconditions.onMissing(ctx, ApiException.notFound(e.getMessage()))));
            routes.exception(RowErasedException.class, (e, ctx) -> respond(ctx, new ApiException(
                    ProblemType.ERASED, e.getMessage(), List.of(), Map.of("erasedAt", e.erasedAt()))));
            routes.exception(VersionMismatchException.class, (e, ctx) -> respond(ctx, fromMismatch(e)));
            routes.exception(HttpResponseException.class,
                    (e, ctx) -> respond(ctx, fromStatus(e.getStatus(), e.getMessage())));
            routes.exception(Exception.class, (e, ctx) -> respond(ctx, unexpected(ctx, e)));
            // Errors Javalin produces without an exception (an unmatched route, for example).
            routes.error(404, ctx -> respondIfEmpty(ctx, ProblemType.NOT_FOUND, "no resource at " + ctx.path()));
            routes.error(405, ctx -> respondIfEmpty(ctx, ProblemType.METHOD_NOT_ALLOWED,
                    ctx.method() + " is not supported on " + ctx.path()));
        });
        // The server's handler answers what Jetty refuses while parsing; the context's, errors
        // raised inside it. Neither may fall back to Jetty's HTML page.
        config.jetty.modifyServer(server -> server.setErrorHandler(new RejectedRequests()));
        config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new RejectedRequests()));
    }

    public static void respond(Context ctx, ApiException e) {
        ctx.attribute(PROBLEM_ATTRIBUTE, e.type());
        retryAfter(e).ifPresent(seconds -> ctx.header("Retry-After", seconds));
        ctx.status(e.status()).contentType(CONTENT_TYPE).result(render(e, ctx.path(), RequestIds.of(ctx)));
    }

    /** A problem answered outside Javalin: its status, headers (content type included) and body. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    /**
     * The answer to a request Jetty refused or failed before or around routing, with the status
     * Jetty chose and its reason; {@code instance} and {@code cause} may be null. A server
     * failure is logged here, once.
     */
    static Answer refused(int status, String reason, String instance, Throwable cause) {
        String requestId = RequestIds.newId();
        ApiException problem = fromStatus(status, reason);
        if (problem.type() == ProblemType.INTERNAL) {
            log.error("request {} to {} failed outside the routes: {} {}", requestId, instance, status, reason, cause);
        }
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", CONTENT_TYPE);
        headers.put(RequestIds.HEADER, requestId);
        retryAfter(problem).ifPresent(seconds -> headers.put("Retry-After", seconds));
        return new Answer(problem.status(), headers, render(problem, instance, requestId));
    }

    private static Optional<String> retryAfter(ApiException e) {
        return e.type() == ProblemType.UNAVAILABLE
                ? Optional.of(Integer.toString(RETRY_AFTER_SECONDS))
                : Optional.empty();
    }

    /**
     * The problem as JSON text. Everything beyond ASCII is written as JSON escapes, so that text
     * echoed from the request (a pointer, a value in a message) reaches the client exactly, even
     * where it is not valid Unicode, instead of turning into {@code ?} on the way out.
     */
    private static String render(ApiException e, String instance, String requestId) {
        try {
            return ASCII.writeValueAsString(body(e, instance, requestId));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("could not write a problem", impossible);
        }
    }

    /**
     * The problem that a failure of work done outside a request (a job) stands for, as the body a
     * request would have been answered with. A failure of the server itself is logged here, once.
     */
    public static ObjectNode describe(RuntimeException e, String instance, String requestId) {
        ApiException problem = problemFor(e);
        if (problem.type() == ProblemType.INTERNAL) {
            log.error("{} (request {}) failed", instance, requestId, e);
        }
        return body(problem, instance, requestId);
    }

    private static ApiException problemFor(RuntimeException e) {
        if (e instanceof ApiException problem) {
            return problem;
        } else if (e instanceof PatchException patch) {
            return fromPatch(patch);
        } else if (e instanceof DatabaseException database) {
            return fromDatabase(database);
        } else if (e instanceof RowNotFoundException missing) {
            return ApiException.notFound(missing.getMessage());
        } else if (e instanceof VersionMismatchException mismatch) {
            return fromMismatch(mismatch);
        }
        return internal();
    }

    private static ApiException fromMismatch(VersionMismatchException e) {
        return new ApiException(ProblemType.PRECONDITION_FAILED, e.getMessage(), List.of(),
                Map.of("currentVersion", e.current()));
    }

    private static ObjectNode body(ApiException e, String instance, String requestId) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ProblemType type = e.type();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", e.status());
        body.put("detail", e.getMessage());
        if (instance != null) {
            body.put("instance", instance);
        }
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        if (!e.errors().isEmpty()) {
            body.set("errors", Json.MAPPER.valueToTree(e.errors()));
        }
        for (Map.Entry<String, Object> extension : e.extensions().entrySet()) {
            body.set(extension.getKey(), Json.MAPPER.valueToTree(extension.getValue()));
        }
        return body;
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

    private static ApiException fromDatabase(DatabaseException e) {
        return switch (e.reason()) {
            case UNAVAILABLE -> new ApiException(ProblemType.UNAVAILABLE, e.getMessage());
            case SCHEMA_DAMAGED -> new ApiException(ProblemType.SCHEMA_DAMAGED, e.getMessage(), List.of(),
                    Map.of("problems", e.details()));
            case BUSY -> new ApiException(ProblemType.UNAVAILABLE, "the database is busy with conflicting writes; retry shortly");
            case TIMED_OUT -> new ApiException(ProblemType.UNAVAILABLE, "the database did not finish in time ("
                    + Settings.STATEMENT_TIMEOUT + "), most likely waiting for a row another writer holds;"
                    + " nothing was changed, retry shortly");
            case UNSTORABLE_TEXT -> new ApiException(ProblemType.VALIDATION,
                    "a value holds a character PostgreSQL cannot store, such as U+0000; remove it");
            case DATA_LOSS_REFUSED -> new ApiException(ProblemType.DATA_LOSS_REFUSED,
                    "the write would drop data it does not name"
                            + (e.details().isEmpty() ? "" : ": " + String.join(", ", e.details()))
                            + "; name what to remove, or send If-Match with the current version",
                    List.of(), e.details().isEmpty() ? Map.of() : Map.of("lost", e.details()));
            case ERASED -> new ApiException(ProblemType.ERASED, "the user was erased; its values are gone for good"
                    + " and nothing brings them back");
            case BULK_REFUSED -> new ApiException(ProblemType.CONFLICT, "the database refused to change more rows than confirmed");
            case TAKEN -> taken(e.constraint());
            case RULE_BROKEN -> new ApiException(ProblemType.VALIDATION, "a value breaks a rule of the database: "
                    + e.constraint());
        };
    }

    private static ApiException taken(String constraint) {
        if (constraint.equals("users_email_key")) {
            return new ApiException(ProblemType.CONFLICT, "the email address is already used by another user",
                    List.of(new ApiException.FieldError("/email", "already used by another user")), Map.of());
        }
        return new ApiException(ProblemType.CONFLICT, "the value is already taken (" + constraint + ")");
    }

    /** The problem for a status Javalin or Jetty chose; {@code message} is theirs. */
    private static ApiException fromStatus(int status, String message) {
        return switch (status) {
            case 404 -> new ApiException(ProblemType.NOT_FOUND, "no resource at this address");
            case 405 -> new ApiException(ProblemType.METHOD_NOT_ALLOWED, "this method is not supported here");
            case 413 -> new ApiException(ProblemType.PAYLOAD_TOO_LARGE,
                    "the body is larger than the server accepts (CUSTODIAN_MAX_BODY)");
            case 401 -> new ApiException(ProblemType.UNAUTHORIZED, message);
            case 403 -> new ApiException(ProblemType.FORBIDDEN, message);
            case 415 -> new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, message);
            case 503 -> new ApiException(ProblemType.UNAVAILABLE, message);
            case 500 -> internal();
            // Any other status keeps its own: Javalin or Jetty chose it for a reason the client must see.
            default -> new ApiException(ProblemType.BAD_REQUEST, status, badRequest(status, message));
        };
    }

    /** What to do about a request refused as a whole; Jetty's own reasons are terse. */
    private static String badRequest(int status, String reason) {
        return switch (status) {
            case 414 -> "the URI is longer than the server reads (8 KiB); send long values in a body";
            case 431 -> "the request line and headers are larger than the server reads (8 KiB)";
            case 417 -> "the Expect header asks for what the server does not do; send 'Expect: 100-continue' or none";
            case 505 -> "this HTTP version is not supported; use HTTP/1.1";
            default -> "the request is not valid HTTP (" + reason + "): check that the URI is percent-encoded as"
                    + " UTF-8 without %00 or broken escapes such as %zz, and the header syntax";
        };
    }

    private static ApiException unexpected(Context ctx, Exception e) {
        log.error("unexpected failure in {} {}", ctx.method(), ctx.path(), e);
        return internal();
    }

    private static ApiException internal() {
        return new ApiException(ProblemType.INTERNAL, "the server failed; quote the request id when reporting it");
    }
}

package dev.custodian.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Set;

/**
 * Reads request bodies: checks the Content-Type against what the route accepts (415 otherwise)
 * and parses strictly through {@link Json} (400 for anything malformed).
 */
public final class Bodies {
    public static final String JSON = "application/json";
    public static final String MERGE_PATCH = "application/merge-patch+json";
    public static final String JSON_PATCH = "application/json-patch+json";

    private Bodies() {
    }

    /** A JSON body; a request without a Content-Type is read as JSON. */
    public static JsonNode json(Context ctx) {
        String type = mediaType(ctx);
        if (type != null && !type.equals(JSON)) {
            throw unsupported(type, Set.of(JSON));
        }
        return Json.parse(ctx.bodyAsBytes());
    }

    /** A JSON object body, for routes whose body must be an object. */
    public static JsonNode jsonObject(Context ctx) {
        JsonNode body = json(ctx);
        if (!body.isObject()) {
            throw ApiException.validation("", "the body must be a JSON object");
        }
        return body;
    }

    /** The media type of the body without parameters, lower case, or null when none was sent. */
    public static String mediaType(Context ctx) {
        String header = ctx.header("Content-Type");
        if (header == null || header.isBlank()) {
            return null;
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    public static ApiException unsupported(String type, Set<String> accepted) {
        return new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                "Content-Type " + type + " is not accepted here; send one of " + String.join(", ", accepted.stream().sorted().toList()));
    }
}

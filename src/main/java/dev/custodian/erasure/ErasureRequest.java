package dev.custodian.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A validated erasure: the row (a user's id, or the key of a row of an adopted table, as text), the reason (required, recorded in the register; it should say
 * why, such as a ticket, never the person's data), and whether it is a dry run. Immutable.
 */
public record ErasureRequest(String key, String reason, boolean dryRun) {
    /** Longest reason accepted, in characters: a sentence and a ticket number, not a document. */
    public static final int MAX_REASON = 1000;
    private static final Set<String> FIELDS = Set.of("reason", "dryRun");
    private static final String REASON_REQUIRED = "required: why this person is erased, for example"
            + " 'GDPR article 17 request, ticket 4711'";

    public ErasureRequest {
        if (reason == null || reason.isBlank()) {
            throw ApiException.validation("/reason", REASON_REQUIRED);
        }
        if (reason.length() > MAX_REASON) {
            throw ApiException.validation("/reason", "at most " + MAX_REASON + " characters, got " + reason.length());
        }
    }

    /** {@code {"reason": "...", "dryRun"?: bool}}; {@code ?dryRun=true} also asks for a dry run. */
    static ErasureRequest parse(String key, JsonNode body, boolean dryRunQuery) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new ApiException.FieldError("/" + name, "unknown field; expected reason, dryRun"));
            }
        });
        JsonNode reason = body.get("reason");
        if (reason == null || reason.isNull()) {
            errors.add(new ApiException.FieldError("/reason", REASON_REQUIRED));
        } else if (!reason.isTextual()) {
            errors.add(new ApiException.FieldError("/reason", "must be a string"));
        }
        JsonNode dryRun = body.get("dryRun");
        if (dryRun != null && !dryRun.isBoolean() && !dryRun.isNull()) {
            errors.add(new ApiException.FieldError("/dryRun", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        return new ErasureRequest(key, reason.asText(), dryRunQuery || dryRun != null && dryRun.asBoolean());
    }
}

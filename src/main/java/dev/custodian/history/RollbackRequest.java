package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.ApiException;
import dev.custodian.http.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A validated {@code POST /admin/rollback}: undo every change made in {@code [from, to)} to the
 * rows of one table ({@code table}: an adopted table by name; null: Custodian's users),
 * optionally only those of one actor and/or one source. Null filters match everything.
 */
record RollbackRequest(String table, Instant from, Instant to, String actor, String source, boolean dryRun) {
    /** The values of {@code source} in history: writes through the service, and all others. */
    static final Set<String> SOURCES = Set.of("api", "sql");
    private static final Set<String> FIELDS = Set.of("table", "from", "to", "actor", "source", "dryRun");

    static RollbackRequest parse(JsonNode body, boolean dryRunQuery) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new ApiException.FieldError("/" + name, "unknown field; expected table, from, to, actor, source, dryRun"));
            }
        });
        Instant from = time(body, "from", errors);
        Instant to = time(body, "to", errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(new ApiException.FieldError("/to", "must be later than from"));
        }
        String table = text(body, "table", errors);
        if (table != null && table.isEmpty()) {
            errors.add(new ApiException.FieldError("/table", "must name an adopted table; leave it out to roll back users"));
        }
        String actor = text(body, "actor", errors);
        if (actor != null && actor.isEmpty()) {
            errors.add(new ApiException.FieldError("/actor", "must not be empty; leave it out to match every actor"));
        }
        String source = text(body, "source", errors);
        if (source != null && !SOURCES.contains(source)) {
            errors.add(new ApiException.FieldError("/source", "must be api or sql, got '" + source + "'"));
        }
        JsonNode dryRun = body.get("dryRun");
        if (dryRun != null && !dryRun.isBoolean() && !dryRun.isNull()) {
            errors.add(new ApiException.FieldError("/dryRun", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        return new RollbackRequest(table, from, to, actor, source, dryRunQuery || dryRun != null && dryRun.asBoolean());
    }

    /** The request as its body would state it, kept with the job that runs it. */
    ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (table != null) {
            node.put("table", table);
        }
        node.put("from", from.toString());
        node.put("to", to.toString());
        node.put("actor", actor);
        node.put("source", source);
        node.put("dryRun", dryRun);
        return node;
    }

    private static Instant time(JsonNode body, String name, List<ApiException.FieldError> errors) {
        JsonNode value = body.get(name);
        if (value == null || !value.isTextual()) {
            errors.add(new ApiException.FieldError("/" + name, "required: an RFC 3339 time such as 2026-11-26T09:05:00Z"));
            return null;
        }
        try {
            return Times.parse("/" + name, value.asText());
        } catch (ApiException e) {
            errors.addAll(e.errors());
            return null;
        }
    }

    private static String text(JsonNode body, String name, List<ApiException.FieldError> errors) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new ApiException.FieldError("/" + name, "must be a string"));
            return null;
        }
        return value.asText();
    }
}

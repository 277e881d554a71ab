package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.http.ApiException;
import dev.custodian.tracked.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A validated {@code POST /users/{id}/revert} or {@code POST /tables/{table}/rows/{key}/revert}: exactly one of {@code toVersion} (make that
 * version's state current again) or {@code undoVersion} (undo that one change), with the
 * request's write conditions (context, If-Match, dry run).
 */
record RevertRequest(String key, OptionalLong toVersion, OptionalLong undoVersion, WriteRequest write) {

    static RevertRequest parse(String key, JsonNode body, WriteRequest write) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals("toVersion") && !name.equals("undoVersion")) {
                errors.add(new ApiException.FieldError("/" + name, "unknown field; send toVersion or undoVersion"));
            }
        });
        OptionalLong to = version(body, "toVersion", errors);
        OptionalLong undo = version(body, "undoVersion", errors);
        if (errors.isEmpty() && to.isPresent() == undo.isPresent()) {
            errors.add(new ApiException.FieldError("", "send exactly one of toVersion and undoVersion"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        return new RevertRequest(key, to, undo, write);
    }

    private static OptionalLong version(JsonNode body, String name, List<ApiException.FieldError> errors) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.asLong() < 1) {
            errors.add(new ApiException.FieldError("/" + name, "must be a version number, a whole number from 1"));
            return OptionalLong.empty();
        }
        return OptionalLong.of(value.asLong());
    }
}

package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.ApiException;
import dev.custodian.http.Json;
import dev.custodian.http.ProblemType;

/**
 * The state documents history describes, {@code {"name", "email", "data", "deleted"}} or a JSON
 * null for a user without a row, and the user representation built from one.
 */
final class States {
    private States() {
    }

    /** Whether the state is a user the API shows: it has a row and is not deleted. */
    static boolean live(JsonNode state) {
        return state != null && state.isObject() && !state.path("deleted").asBoolean();
    }

    /**
     * Checks that undoing produced a state that can be written; anything else means the history
     * does not describe the user's row (for example rows changed while history was not installed).
     */
    static JsonNode checked(long id, JsonNode state) {
        boolean valid = state.isNull() || state.isObject() && state.path("name").isTextual()
                && state.path("email").isTextual() && state.path("data").isObject()
                && state.path("deleted").isBoolean();
        if (!valid) {
            throw new ApiException(ProblemType.REVERT_CONFLICT,
                    "the history of user " + id + " does not describe its current state; nothing was changed");
        }
        return state;
    }

    /** The API representation of a live state, field for field as custodian_user_json writes it. */
    static String representation(long id, JsonNode state, long version, String createdAt, String updatedAt) {
        ObjectNode user = Json.MAPPER.createObjectNode();
        user.put("id", id);
        user.set("name", state.get("name"));
        user.set("email", state.get("email"));
        user.set("data", state.get("data"));
        user.put("version", version);
        user.put("createdAt", createdAt);
        user.put("updatedAt", updatedAt);
        return Json.write(user);
    }
}

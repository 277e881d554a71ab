package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.ApiException;
import dev.custodian.http.Json;
import dev.custodian.http.ProblemType;
import dev.custodian.tracked.TrackedTable;

/**
 * The state documents history describes, or a JSON null for a key without a row: for users
 * {@code {"name", "email", "data", "deleted"}}, for an adopted table the row itself. The
 * representation the API shows of a past state.
 */
final class States {
    private States() {
    }

    /** Whether the state is a row the API shows: it has a row and, where the table soft-deletes, is not deleted. */
    static boolean live(TrackedTable table, JsonNode state) {
        return state != null && state.isObject() && (table.softDelete() == null || !state.path("deleted").asBoolean());
    }

    /**
     * Checks that undoing produced a state that can be written; anything else means the history
     * does not describe the row (for example rows changed while history was not installed).
     */
    static JsonNode checked(TrackedTable table, String key, JsonNode state) {
        boolean valid = state.isNull() || state.isObject() && (table.stateIsRow() || userState(state));
        if (!valid) {
            throw new ApiException(ProblemType.REVERT_CONFLICT,
                    "the history of " + table.noun() + " " + key + " does not describe its current state; nothing was changed");
        }
        return state;
    }

    private static boolean userState(JsonNode state) {
        return state.path("name").isTextual() && state.path("email").isTextual() && state.path("data").isObject()
                && state.path("deleted").isBoolean();
    }

    /**
     * The API representation of a live past state: a row of an adopted table as it was; a user
     * field for field as custodian_user_json writes it, with its version and times.
     */
    static String representation(TrackedTable table, String key, PastStates.PastState past) {
        if (table.stateIsRow()) {
            return Json.write(past.state());
        }
        JsonNode state = past.state();
        ObjectNode user = Json.MAPPER.createObjectNode();
        user.put("id", Long.parseLong(key));
        user.set("name", state.get("name"));
        user.set("email", state.get("email"));
        user.set("data", state.get("data"));
        user.put("version", past.version());
        user.put("createdAt", past.createdAt());
        user.put("updatedAt", past.at());
        return Json.write(user);
    }
}

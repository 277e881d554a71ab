package dev.custodian.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.Json;

/**
 * A validated merge patch of a user split into the columns it touches: name and email (null
 * when not set) and the merge patch for {@code data} as JSON text (null when not set).
 */
record MergeRequest(String name, String email, String dataPatch) {

    static MergeRequest of(ObjectNode patch) {
        JsonNode data = patch.get("data");
        return new MergeRequest(
                patch.hasNonNull("name") ? patch.get("name").asText() : null,
                patch.hasNonNull("email") ? patch.get("email").asText() : null,
                data == null ? null : Json.write(data));
    }
}

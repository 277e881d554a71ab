package dev.custodian.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.Json;

/**
 * The writable part of a user, {@code {"name", "email", "data"}}: the document that merge
 * patches, JSON patches and PUT act on; with {@code "deleted"}, the state history records.
 * Immutable by convention: never modify {@link #data()}.
 */
record UserDocument(String name, String email, ObjectNode data) {

    /** The document part of a representation or a state. */
    static UserDocument from(JsonNode node) {
        return new UserDocument(node.path("name").asText(), node.path("email").asText(), (ObjectNode) node.get("data"));
    }

    ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("name", name);
        node.put("email", email);
        node.set("data", data.deepCopy());
        return node;
    }

    /** The user's state as history and the write pipeline describe it: the document, not deleted. */
    ObjectNode toState() {
        return toJson().put("deleted", false);
    }
}

package dev.custodian.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.http.Json;

/**
 * A user row as the database returned it: id, version, and its API representation as JSON
 * text, which responses send as is. Parsed only when a write needs the document.
 */
record StoredUser(long id, long version, String json) {

    JsonNode representation() {
        return Json.parseTrusted(json);
    }

    UserDocument document() {
        return UserDocument.from(representation());
    }
}

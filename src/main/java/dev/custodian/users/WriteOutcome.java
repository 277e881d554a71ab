package dev.custodian.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.Json;
import dev.custodian.patch.JsonDiff;

/**
 * A user before and after a write (either may be null: before a create, after a delete).
 * For a dry run it is the report of what would have happened.
 */
record WriteOutcome(StoredUser before, StoredUser after) {

    /** {@code {"dryRun": true, "before", "after", "changes"}}, changes as RFC 6902 operations. */
    String dryRunReport() {
        JsonNode beforeDocument = before == null ? null : before.document().toJson();
        JsonNode afterDocument = after == null ? null : after.document().toJson();
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("dryRun", true);
        report.set("before", before == null ? null : before.representation());
        report.set("after", after == null ? null : after.representation());
        report.set("changes", JsonDiff.diff(orNull(beforeDocument), orNull(afterDocument)));
        return Json.write(report);
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? Json.MAPPER.nullNode() : node;
    }
}

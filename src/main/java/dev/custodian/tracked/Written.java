package dev.custodian.tracked;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.Json;

/**
 * The result of one write: the row's version afterwards, its representation before and after
 * (null where it was not live), and for a dry run the changes history recorded for it in the
 * rolled-back transaction (RFC 6902 operations on the state; empty when nothing changed).
 */
public record Written(String key, long version, String before, String after, JsonNode changes) {

    public boolean live() {
        return after != null;
    }

    /** {@code {"dryRun": true, "before", "after", "changes"}}, the body every dry run answers. */
    public String dryRunReport() {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.put("dryRun", true);
        report.set("before", before == null ? JsonNodeFactory.instance.nullNode() : Json.parseTrusted(before));
        report.set("after", after == null ? JsonNodeFactory.instance.nullNode() : Json.parseTrusted(after));
        report.set("changes", changes == null ? JsonNodeFactory.instance.arrayNode() : changes);
        return Json.write(report);
    }
}

package dev.custodian.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.Json;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of verifying one backup: every check made, in order, and whether all passed.
 * Verification stops at the first failed check, since later ones depend on it. Immutable.
 */
public record VerificationReport(String backupId, String at, List<Check> checks) {

    public VerificationReport {
        checks = List.copyOf(checks);
    }

    public boolean ok() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::ok);
    }

    public Optional<Check> firstFailure() {
        return checks.stream().filter(check -> !check.ok()).findFirst();
    }

    /** {@code {"ok", "backupId", "at", "checks": [{"name", "ok", "detail"}]}} */
    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("ok", ok());
        node.put("backupId", backupId);
        node.put("at", at);
        node.set("checks", Json.MAPPER.valueToTree(checks));
        return node;
    }
}

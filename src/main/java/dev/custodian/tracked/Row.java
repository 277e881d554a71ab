package dev.custodian.tracked;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * A tracked row as a write found it, locked: its version, its state (a JSON null when it has no
 * row, for example after a hard delete: the version is then the last one history recorded) and
 * its API representation (null unless the row is live: it exists and is not soft-deleted). Immutable by convention.
 */
public record Row(String key, long version, JsonNode state, String representation) {

    static Row absent(String key, long lastVersion) {
        return new Row(key, lastVersion, NullNode.instance, null);
    }

    /** Whether there is a row, deleted or not. */
    public boolean exists() {
        return !state.isNull();
    }

    /** Whether the row exists and is not soft-deleted: whether it has a representation. */
    public boolean live() {
        return representation != null;
    }

    /** Whether anything about this key was ever recorded or stored. */
    public boolean known() {
        return exists() || version > 0;
    }
}

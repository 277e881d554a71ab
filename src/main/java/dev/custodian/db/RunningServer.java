package dev.custodian.db;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The {@code serve} whose embedded database a command joined instead of starting its own: the
 * data directory it runs on and its process id, when known. Thread-safe (immutable).
 *
 * @param dataDir the data directory ({@code CUSTODIAN_DATA_DIR}) the server runs on
 * @param pid     the server's process, empty when the data directory does not name a live one
 */
public record RunningServer(Path dataDir, OptionalLong pid) {

    /** "the server running on DIR (pid N)", as messages name it. */
    public String description() {
        return "the server running on " + dataDir + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : "");
    }
}

package dev.custodian.erasure;

import dev.custodian.backup.Backups;
import dev.custodian.db.WriteContext;
import dev.custodian.tracked.Erasure;
import dev.custodian.tracked.TrackedWrites;
import dev.custodian.tracked.WriteRequest;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases a user through the write pipeline and names the backup files that still hold its
 * values. Logs each erasure with its user id, actor and request id, never a value or the reason.
 * Thread-safe.
 */
public final class Erasures {
    private static final Logger log = LoggerFactory.getLogger(Erasures.class);

    private final TrackedWrites writes;
    private final Backups backups;

    public Erasures(TrackedWrites writes, Backups backups) {
        this.writes = writes;
        this.backups = backups;
    }

    public ErasureReport erase(ErasureRequest request, WriteContext context) {
        WriteRequest write = new WriteRequest(context, OptionalLong.empty(), request.dryRun());
        Erasure erasure = writes.erase(write, Long.toString(request.userId()), request.reason());
        List<String> holding = erasure.firstRecordedAt() == null ? List.of()
                : backups.takenSince(Instant.parse(erasure.firstRecordedAt()));
        if (!request.dryRun()) {
            log.warn("user {} erased by {} (request {}): row removed: {}, {} history entries emptied, {} backup files"
                            + " still hold its values until they are deleted", request.userId(), context.actor(),
                    context.requestId(), erasure.rows() > 0, erasure.historyEntries(), holding.size());
        }
        return new ErasureReport(request.userId(), request.reason(), erasure, holding);
    }
}

package dev.custodian.history;

import dev.custodian.db.Transactions;
import dev.custodian.schedule.ScheduledTask;
import dev.custodian.tracked.TrackedTable;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention window of history ({@code CUSTODIAN_HISTORY_KEEP}): every {@code
 * CUSTODIAN_HISTORY_COMPACT_EVERY}, on one instance at a time, history older than the window is
 * compacted ({@link Compaction}). Without a window, history is kept whole and nothing runs.
 * Thread-safe.
 */
public final class HistoryRetention {
    private static final Logger log = LoggerFactory.getLogger(HistoryRetention.class);

    private final Optional<Duration> keep;
    private final Duration every;
    private final Clock clock;
    private final Compaction compaction;

    public HistoryRetention(Transactions transactions, Optional<Duration> keep, Duration every, Clock clock) {
        this.keep = keep;
        this.every = every;
        this.clock = clock;
        this.compaction = new Compaction(transactions, new PastStates(new HistoryStore(TrackedTable.USERS)));
    }

    /** Starts with the server and stops when it stops; does nothing when history is kept whole. */
    public void attachTo(Javalin app, DataSource dataSource) {
        keep.ifPresent(window -> {
            new ScheduledTask(dataSource, "history-compaction", every, this::runOnce).attachTo(app);
            log.info("history older than {} days is compacted every {}", window.toDays(), every);
        });
    }

    /** One run: compacts everything older than the window as the clock reads now. Never throws. */
    void runOnce() {
        Instant cutoff = clock.instant().minus(keep.orElseThrow());
        try {
            long started = System.nanoTime();
            Compaction.Report report = compaction.compactBefore(cutoff);
            if (report.users() > 0) {
                log.info("compacted the history of {} users before {}: {} entries removed in {} ms", report.users(),
                        cutoff, report.entriesRemoved(), (System.nanoTime() - started) / 1_000_000);
            }
        } catch (RuntimeException e) {
            log.error("history compaction failed", e);
        }
    }
}

package dev.custodian.backup;

import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled backups while the server runs ({@code CUSTODIAN_BACKUP_EVERY}, {@code
 * CUSTODIAN_BACKUP_KEEP}): one daemon thread takes a backup each interval, verifies it, and
 * only when it verified prunes the scheduled backups beyond the newest {@code keep}. The first
 * one is due one interval after the newest scheduled backup already in the folder, so restarts
 * neither skip nor repeat backups. Started and stopped with the server. Thread-safe.
 */
public final class BackupSchedule {
    private static final Logger log = LoggerFactory.getLogger(BackupSchedule.class);

    private final Backups backups;
    private final Optional<Duration> every;
    private final int keep;
    private final Clock clock;
    private ScheduledExecutorService executor;

    public BackupSchedule(Backups backups, Optional<Duration> every, int keep, Clock clock) {
        this.backups = backups;
        this.every = every;
        this.keep = keep;
        this.clock = clock;
    }

    /** Starts with the server and stops when it stops; does nothing when the schedule is off. */
    public void attachTo(Javalin app) {
        app.events(events -> {
            events.serverStarted(this::start);
            events.serverStopping(this::stop);
        });
    }

    synchronized void start() {
        if (every.isEmpty() || executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "custodian-backups");
            thread.setDaemon(true);
            return thread;
        });
        long interval = every.get().toMillis();
        executor.scheduleWithFixedDelay(this::runOnce, firstDelay().toMillis(), interval, TimeUnit.MILLISECONDS);
        log.info("scheduled backups every {}, keeping {}", every.get(), keep);
    }

    synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("a scheduled backup was still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    private Duration firstDelay() {
        List<Backups.Scheduled> scheduled = backups.scheduled();
        if (scheduled.isEmpty()) {
            return Duration.ZERO;
        }
        Instant due = scheduled.get(0).createdAt().plus(every.orElseThrow());
        Duration wait = Duration.between(clock.instant(), due);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /** One round: back up, verify, and prune only after the new backup verified. Never throws. */
    void runOnce() {
        try {
            String id = backups.create(BackupKind.SCHEDULED).get("id").asText();
            VerificationReport report = backups.verify(id);
            if (!report.ok()) {
                log.error("scheduled backup {} failed verification, so no old backup is pruned: {}", id,
                        report.firstFailure().orElseThrow().detail());
                return;
            }
            List<String> pruned = backups.pruneScheduled(keep);
            if (!pruned.isEmpty()) {
                log.info("pruned scheduled backups {} (keeping {})", pruned, keep);
            }
        } catch (RuntimeException e) {
            log.error("scheduled backup failed", e);
        }
    }
}

package dev.custodian.backup;

import dev.custodian.schedule.ScheduledTask;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled backups while the server runs ({@code CUSTODIAN_BACKUP_EVERY}, {@code
 * CUSTODIAN_BACKUP_KEEP}): each interval, one backup is taken, verified, and only when it
 * verified are the scheduled backups beyond the newest {@code keep} pruned. One instance does it
 * when several share the database ({@link ScheduledTask}), and the last run is recorded in the
 * database, so restarts neither skip nor repeat backups. Thread-safe.
 */
public final class BackupSchedule {
    private static final Logger log = LoggerFactory.getLogger(BackupSchedule.class);

    private final Backups backups;
    private final Optional<Duration> every;
    private final int keep;
    private final DataSource dataSource;

    public BackupSchedule(Backups backups, DataSource dataSource, Optional<Duration> every, int keep) {
        this.backups = backups;
        this.dataSource = dataSource;
        this.every = every;
        this.keep = keep;
    }

    /** Starts with the server and stops when it stops; does nothing when the schedule is off. */
    public void attachTo(Javalin app) {
        every.ifPresent(interval -> {
            new ScheduledTask(dataSource, "backup", interval, this::runOnce).attachTo(app);
            log.info("scheduled backups every {}, keeping {}", interval, keep);
        });
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

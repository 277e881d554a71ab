package dev.custodian.backup;

import dev.custodian.schedule.ScheduledTask;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes backups older than {@code CUSTODIAN_BACKUP_MAX_AGE}, whatever their kind, while the
 * server runs: backups taken before an erasure hold the erased person's values, and this bounds
 * how long. The newest verified backup is never deleted ({@link Backups#expire}). Runs on one
 * instance at a time ({@link ScheduledTask}), every quarter of the window but at least hourly,
 * so a file is gone at most an hour after it reached the age. Thread-safe.
 */
public final class BackupExpiry {
    private static final Logger log = LoggerFactory.getLogger(BackupExpiry.class);
    private static final Duration LONGEST_LOOK = Duration.ofHours(1);

    private final Backups backups;
    private final Optional<Duration> maxAge;
    private final DataSource dataSource;

    public BackupExpiry(Backups backups, DataSource dataSource, Optional<Duration> maxAge) {
        this.backups = backups;
        this.dataSource = dataSource;
        this.maxAge = maxAge;
    }

    /** Starts with the server and stops when it stops; does nothing when the setting is off. */
    public void attachTo(Javalin app) {
        maxAge.ifPresent(age -> {
            Duration every = age.dividedBy(4).compareTo(LONGEST_LOOK) < 0 ? age.dividedBy(4) : LONGEST_LOOK;
            new ScheduledTask(dataSource, "backup-expiry", every.isZero() ? Duration.ofMillis(1) : every,
                    () -> runOnce(age)).attachTo(app);
            log.info("backups older than {} are deleted, the newest verified one excepted", age);
        });
    }

    /** One round; never throws, so the schedule goes on. */
    void runOnce(Duration age) {
        try {
            Backups.Expiry expiry = backups.expire(age);
            if (!expiry.deleted().isEmpty()) {
                log.info("deleted {} backups older than {}: {}", expiry.deleted().size(), age, expiry.deleted());
            }
            expiry.keptOld().ifPresent(id -> log.warn("kept backup {} although it is older than {}: it is the newest"
                    + " verified backup; take and verify a newer one so that it can go", id, age));
        } catch (RuntimeException e) {
            log.error("deleting backups older than {} failed", age, e);
        }
    }
}

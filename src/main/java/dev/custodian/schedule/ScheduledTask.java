package dev.custodian.schedule;

import io.javalin.Javalin;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task run every interval while the server runs, on one instance at a time
 * ({@link SingleInstance}). Each instance looks a few times per interval (at least once a minute)
 * whether the task is due, so when the instance that ran it stops, another takes over within a
 * minute of the next due time. Started and stopped with the server. Thread-safe.
 */
public final class ScheduledTask {
    private static final Logger log = LoggerFactory.getLogger(ScheduledTask.class);
    private static final Duration LONGEST_LOOK = Duration.ofMinutes(1);

    private final String task;
    private final Duration every;
    private final Runnable work;
    private final SingleInstance runs;
    private ScheduledExecutorService executor;

    /** {@code work} should handle its own failures; one that escapes is logged and the task runs again next interval. */
    public ScheduledTask(DataSource dataSource, String task, Duration every, Runnable work) {
        this.task = task;
        this.every = every;
        this.work = work;
        this.runs = new SingleInstance(dataSource);
    }

    /** Starts with the server and stops when it stops. */
    public void attachTo(Javalin app) {
        app.events(events -> {
            events.serverStarted(this::start);
            events.serverStopping(this::stop);
        });
    }

    synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "custodian-" + task);
            thread.setDaemon(true);
            return thread;
        });
        long look = Math.max(1, Math.min(every.toMillis() / 4, LONGEST_LOOK.toMillis()));
        executor.scheduleWithFixedDelay(this::runIfDue, 0, look, TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("scheduled {} was still running at shutdown", task);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    /** One look: runs the work if it is due here. Never throws, so the schedule goes on. */
    void runIfDue() {
        try {
            if (runs.runIfDue(task, every, work) == SingleInstance.Outcome.RAN) {
                log.debug("scheduled {} ran", task);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("scheduled {} could not run: {}", task, e.getMessage());
        }
    }
}

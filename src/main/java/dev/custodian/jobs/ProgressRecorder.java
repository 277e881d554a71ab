package dev.custodian.jobs;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a job's latest progress and writes it to the job's row at most every {@link #EVERY_MILLIS},
 * so that a rollback of many small users does not pay a write per user. Used by the job's own
 * thread only; {@link #latest} is read by that thread at the end. Not thread-safe.
 */
final class ProgressRecorder implements ProgressListener {
    private static final Logger log = LoggerFactory.getLogger(ProgressRecorder.class);
    static final long EVERY_MILLIS = 250;

    private final UUID id;
    private final JobStore store;
    private final ProgressListener also;
    private Progress latest = Progress.NONE;
    private long writtenAt;

    ProgressRecorder(UUID id, JobStore store, ProgressListener also) {
        this.id = id;
        this.store = store;
        this.also = also;
    }

    @Override
    public void update(Progress progress) {
        latest = progress;
        also.update(progress);
        long now = System.nanoTime() / 1_000_000;
        if (now - writtenAt >= EVERY_MILLIS) {
            writtenAt = now;
            writeQuietly(progress);
        }
    }

    Progress latest() {
        return latest;
    }

    /** Progress is for people watching: a failed write of it must not stop the job. */
    private void writeQuietly(Progress progress) {
        try {
            store.progress(id, progress);
        } catch (RuntimeException e) {
            log.warn("could not record the progress of job {}: {}", id, e.getMessage());
        }
    }
}

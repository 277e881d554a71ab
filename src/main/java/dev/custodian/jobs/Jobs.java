package dev.custodian.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.db.AdvisoryLock;
import dev.custodian.db.DatabaseErrors;
import dev.custodian.db.Transactions;
import dev.custodian.http.ProblemResponses;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rollbacks and restores one at a time per database, each recorded as a job: the job lock
 * ({@link AdvisoryLock} named {@code jobs}) is taken first, or the request is refused with 409 naming the running job;
 * then the job's row is written and the work runs, in the caller's thread when it goes through
 * at most {@code threshold} users, else on a thread of its own, which goes on whatever happens
 * to the request that started it. Thread-safe; {@link #close} stops taking jobs.
 */
public final class Jobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    private final DataSource dataSource;
    private final JobStore store;
    private final long threshold;
    private final ExecutorService executor;

    public Jobs(DataSource dataSource, Transactions transactions, long threshold) {
        this.dataSource = dataSource;
        this.store = new JobStore(transactions);
        this.threshold = threshold;
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "custodian-job-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs the work, synchronously when it is small and the client did not ask for a job ({@code
     * Prefer: respond-async}), else as a job that goes on in the background. A failure of
     * synchronous work is thrown, after it is recorded in the job's row.
     */
    public JobOutcome submit(PlannedJob job, boolean respondAsync) {
        JobRequest request = job.request();
        JobWork work = job.work();
        AdvisoryLock lock = acquire();
        UUID id = start(request, lock);
        if (!respondAsync && request.users() <= threshold) {
            return new JobOutcome.Finished(execute(id, request, lock, work, ProgressListener.IGNORED));
        }
        log.info("{} {} runs as job {}: {} users (more than {}) or asked for", request.kind().label(),
                request.requestId(), id, request.users(), threshold);
        executor.execute(() -> runInBackground(id, request, lock, work));
        return new JobOutcome.Started(id, store.find(id).orElseThrow());
    }

    /** Runs the work in the caller's thread as a job (the command line), telling {@code listener} its progress. */
    public ObjectNode runHere(PlannedJob job, ProgressListener listener) {
        AdvisoryLock lock = acquire();
        return execute(start(job.request(), lock), job.request(), lock, job.work(), listener);
    }

    /** The job's representation, whichever instance runs or ran it. */
    public Optional<ObjectNode> find(UUID id) {
        return store.find(id);
    }

    @Override
    public void close() {
        executor.shutdown();
    }

    private AdvisoryLock acquire() {
        Optional<AdvisoryLock> lock;
        try {
            lock = AdvisoryLock.tryAcquire(dataSource, JobStore.LOCK);
        } catch (SQLException e) {
            throw DatabaseErrors.translate(e);
        }
        return lock.orElseThrow(() -> new JobRunningException(store.running()));
    }

    private UUID start(JobRequest request, AdvisoryLock lock) {
        UUID id = UUID.randomUUID();
        try {
            store.interruptLeftOver();
            store.start(id, request);
            return id;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private ObjectNode execute(UUID id, JobRequest request, AdvisoryLock lock, JobWork work, ProgressListener listener) {
        var recorder = new ProgressRecorder(id, store, listener);
        try (lock) {
            ObjectNode report = work.run(recorder);
            store.finish(id, recorder.latest(), report, null);
            return report;
        } catch (RuntimeException e) {
            store.finish(id, recorder.latest(), null,
                    ProblemResponses.describe(e, JobRoutes.location(id), request.requestId()));
            throw e;
        }
    }

    private void runInBackground(UUID id, JobRequest request, AdvisoryLock lock, JobWork work) {
        try {
            execute(id, request, lock, work, ProgressListener.IGNORED);
            log.info("job {} ({} {}) succeeded", id, request.kind().label(), request.requestId());
        } catch (RuntimeException e) {
            // The problem is in the job's row; ProblemResponses logged it if it is the server's fault.
            log.warn("job {} ({} {}) failed: {}", id, request.kind().label(), request.requestId(), e.getMessage());
        }
    }
}

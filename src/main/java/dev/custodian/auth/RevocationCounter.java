package dev.custodian.auth;

import dev.custodian.db.Transactions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The value of {@code api_token_revocations.counter}, read from the database at most once per
 * {@link #WINDOW_NANOS}. A trigger moves the counter whenever a token may have stopped working,
 * whoever changed it; a cached token is trusted only while the counter read no longer than the
 * window ago equals the one it was loaded under. So a revocation committed anywhere is seen
 * here within the window, at the cost of one indexed read per window, not one per request.
 * The read is made ahead, once a reading is half a window old, by one request while the others
 * go on with the reading they have, still fresh: when all of them waited for it, that wait was
 * most of the time requests spent blocked under a PATCH load (Java Flight Recorder).
 * Thread-safe.
 */
final class RevocationCounter {
    /** How stale the counter may be; the time from revocation to refusal is at most this plus one request. */
    static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private static final String READ = """
            SELECT counter FROM api_token_revocations
            """;

    private final Transactions transactions;
    private final AtomicReference<Reading> latest = new AtomicReference<>();
    private final ReentrantLock refreshing = new ReentrantLock();

    /** A value of the counter and when the query that read it started (System.nanoTime). */
    private record Reading(long counter, long startedNanos) {
        boolean fresh() {
            return System.nanoTime() - startedNanos < WINDOW_NANOS;
        }

        boolean halfStale() {
            return System.nanoTime() - startedNanos >= WINDOW_NANOS / 2;
        }
    }

    RevocationCounter(Transactions transactions) {
        this.transactions = transactions;
    }

    /** The counter as committed no longer than the window ago. */
    long current() {
        Reading reading = latest.get();
        if (reading != null && reading.fresh()) {
            if (reading.halfStale() && refreshing.tryLock()) {
                try {
                    Reading now = latest.get();
                    return now != null && now.fresh() && !now.halfStale() ? now.counter() : read();
                } finally {
                    refreshing.unlock();
                }
            }
            return reading.counter();
        }
        // One query per window, not one per waiting request: the others wait for it.
        refreshing.lock();
        try {
            reading = latest.get();
            if (reading != null && reading.fresh()) {
                return reading.counter();
            }
            return read();
        } finally {
            refreshing.unlock();
        }
    }

    private long read() {
        long started = System.nanoTime();
        long counter = transactions.autocommit(connection -> {
            try (var statement = connection.prepareStatement(READ); var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong("counter");
            }
        });
        observe(counter, started);
        return counter;
    }

    /**
     * Takes a value read by another query (a token lookup reads the counter too) that started at
     * {@code startedNanos}, when that is later than the reading held: a later query cannot have
     * seen an older counter.
     */
    void observe(long counter, long startedNanos) {
        var offered = new Reading(counter, startedNanos);
        latest.accumulateAndGet(offered, (held, next) ->
                held == null || next.startedNanos() - held.startedNanos() > 0 ? next : held);
    }

    /** Makes the next check read the counter: after a revocation made here, which must count at once. */
    void forget() {
        latest.set(null);
    }
}

package dev.custodian.http;

import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * The threads Jetty runs requests on: a fixed set, as many as the database connections plus
 * {@link #BEYOND_POOL}, instead of Javalin's default of up to 250. Nearly every request holds a
 * connection while it runs, so a thread beyond those only waits for one; with fewer threads,
 * requests that arrive while all are busy queue in Jetty, and a thread that finishes one takes
 * the next without sleeping. No threads are reserved for Jetty's hand-off of the selector,
 * which woke another thread for every request. Measured side by side on 2 cores, a read cost
 * about a tenth less of the service's CPU (README, "What bounds the numbers"). Thread-safe.
 */
public final class RequestThreads {
    /**
     * Threads beyond the connections: Jetty's acceptor and selector, and requests that need no
     * connection (probes, metrics, the console's files) while every connection is in use.
     */
    static final int BEYOND_POOL = 8;
    private static final String NAME = "JettyServerThreadPool";

    private RequestThreads() {
    }

    /** The pool for a server whose requests share {@code connections} database connections. */
    public static ThreadPool forConnections(int connections) {
        int threads = connections + BEYOND_POOL;
        var pool = new QueuedThreadPool(threads, threads);
        pool.setName(NAME);
        pool.setReservedThreads(0);
        return pool;
    }
}

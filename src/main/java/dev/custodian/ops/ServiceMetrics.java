package dev.custodian.ops;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.custodian.auth.Role;
import dev.custodian.backup.Backups;
import dev.custodian.http.ProblemType;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The service's metrics, served at {@code GET /metrics} (read role) in the Prometheus text
 * format by Micrometer's Prometheus registry: request latency by route template, method and
 * status; writes and problems by outcome; the connection pool (HikariCP's own tracker); the
 * JVM and the process; the backups; erasures. docs/operations.md lists every name. One per server;
 * thread-safe; {@link #close} when the server stops.
 */
public final class ServiceMetrics implements AutoCloseable {
    /**
     * Bucket bounds of the request latency histogram: a read takes about a millisecond, a write
     * a few, a backup or a rollback seconds. Fixed bounds keep the series count known (12 a
     * route, method and status) where a percentile histogram would add some 70.
     */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(5)};

    private final PrometheusRegistry prometheus = new PrometheusRegistry();
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus, io.micrometer.core.instrument.Clock.SYSTEM);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Held here: Micrometer holds a function counter's object weakly, and would count nothing once it is collected. */
    private final ErasureCounter erasures;
    // The meters of each label set, built once: building one anew for every request (its
    // histogram's configuration, tags and registry look-up) cost more CPU than writing the
    // access log line (measured). The label values come from small, known sets.
    private final Map<Labels, Meters> meters = new ConcurrentHashMap<>();

    private record Labels(String method, String route, int status, ProblemType problem) {
        static Labels of(FinishedRequest request) {
            return new Labels(request.method(), request.route(), request.status(), request.problem().orElse(null));
        }
    }

    /** The meters a request with given labels moves; {@code problems} and {@code writes} null when it moves none. */
    private record Meters(Timer requests, Counter problems, Counter writes) {
    }

    public ServiceMetrics(DataSource dataSource, Backups backups, Clock clock) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        // Resident memory, open files, CPU seconds and start time under the names every
        // Prometheus dashboard knows (process_*), which Micrometer's own binders do not give.
        ProcessMetrics.builder().register(prometheus);
        trackPool(dataSource);
        new BackupGauges(backups, clock).bindTo(registry);
        // Micrometer holds backups weakly; the routes hold it for the server's life.
        FunctionCounter.builder("custodian.backups.expired", backups, Backups::expired)
                .description("Backup files this instance deleted because they were older than CUSTODIAN_BACKUP_MAX_AGE")
                .register(registry);
        erasures = new ErasureCounter(dataSource);
        erasures.bindTo(registry);
    }

    public void register(Javalin app) {
        app.get("/metrics", ctx -> ctx.contentType(PrometheusTextFormatWriter.CONTENT_TYPE).result(registry.scrape()),
                Role.READ);
    }

    /**
     * A pool takes one metrics tracker for its life; a second server over the same pool (as
     * tests start) leaves the first server's in place.
     */
    private void trackPool(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource pool && pool.getMetricsTrackerFactory() == null
                && pool.getMetricRegistry() == null) {
            pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        }
    }

    void record(FinishedRequest request) {
        Meters of = meters.computeIfAbsent(Labels.of(request), labels -> metersOf(request));
        of.requests().record((long) (request.millis() * 1_000_000), TimeUnit.NANOSECONDS);
        if (of.problems() != null) {
            of.problems().increment();
        }
        if (of.writes() != null) {
            of.writes().increment();
        }
    }

    private Meters metersOf(FinishedRequest request) {
        Timer requests = Timer.builder("http.server.requests")
                .description("Requests answered, by route template, method and status")
                .tags("method", request.method(), "route", request.route(), "status", Integer.toString(request.status()))
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        Counter problems = request.problem().map(type -> Counter.builder("custodian.problems")
                .description("Problem responses (RFC 9457), by problem type")
                .tag("type", type.slug())
                .register(registry)).orElse(null);
        Counter writes = request.isWrite()
                ? Counter.builder("custodian.writes")
                        .description("Requests with a write method, by route template and result: ok or the problem type")
                        .tags("method", request.method(), "route", request.route(), "result", request.result())
                        .register(registry)
                : null;
        return new Meters(requests, problems, writes);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}

package dev.custodian;

import dev.custodian.auth.AccessControl;
import dev.custodian.auth.TokenRoutes;
import dev.custodian.auth.Tokens;
import dev.custodian.backup.BackupRoutes;
import dev.custodian.backup.BackupExpiry;
import dev.custodian.backup.BackupSchedule;
import dev.custodian.backup.Backups;
import dev.custodian.config.Settings;
import dev.custodian.console.ConsoleRoutes;
import dev.custodian.db.Transactions;
import dev.custodian.erasure.ErasureRoutes;
import dev.custodian.erasure.Erasures;
import dev.custodian.history.HistoryRetention;
import dev.custodian.history.HistoryRoutes;
import dev.custodian.http.HeadRequests;
import dev.custodian.http.Preconditions;
import dev.custodian.http.ProblemResponses;
import dev.custodian.jobs.JobRoutes;
import dev.custodian.jobs.Jobs;
import dev.custodian.http.RequestIds;
import dev.custodian.http.RequestThreads;
import dev.custodian.ops.OperationsRoutes;
import dev.custodian.ops.SchemaGate;
import dev.custodian.ops.RequestObserver;
import dev.custodian.ops.ServiceMetrics;
import dev.custodian.users.UserRoutes;
import io.javalin.Javalin;
import io.javalin.event.HandlerMetaInfo;
import java.time.Clock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the unstarted HTTP server from settings, a migrated data source and a clock. Every
 * route of the service is registered here, in one visible place; {@link Main} and the tests
 * both call {@link #create}.
 */
public final class Application {
    private static final Logger log = LoggerFactory.getLogger(Application.class);
    private static final int RESPONSE_COPY_BUFFER = 4096;

    private Application() {
    }

    public static Javalin create(Settings settings, DataSource dataSource, Clock clock) {
        return create(settings, dataSource, clock, route -> { });
    }

    /**
     * The same server, telling {@code routes} of each handler as it is registered (Javalin's
     * handlerAdded event): how a test walks the route table of the server it runs.
     */
    public static Javalin create(Settings settings, DataSource dataSource, Clock clock,
                                 Consumer<HandlerMetaInfo> routes) {
        var transactions = new Transactions(dataSource);
        var tokens = new Tokens(transactions, clock);
        var access = new AccessControl(tokens);
        var backups = new Backups(settings.backupDir(), transactions, clock);
        var metrics = new ServiceMetrics(dataSource, backups, clock);
        var observer = new RequestObserver(metrics);
        var jobs = new Jobs(dataSource, transactions, settings.jobThreshold());

        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.http.prefer405over404 = true;
            // Javalin copies each response body into Jetty through a buffer of this size, new for
            // every request; unset, it is Jetty's output buffer size, 32 KB, over half of what a
            // read allocated (README, "What bounds the numbers"). Jetty's own buffer is unchanged.
            config.http.responseBufferSize = RESPONSE_COPY_BUFFER;
            config.router.treatMultipleSlashesAsSingleSlash = true;
            config.jetty.threadPool = RequestThreads.forConnections(settings.poolSize());
            config.requestLogger.http(observer);
            config.events.handlerAdded(observer::handlerAdded);
            config.events.handlerAdded(routes::accept);
            HeadRequests.install(config);
            config.jetty.modifyServer(server -> server.setStopTimeout(10_000));
            ProblemResponses.install(config);
            ConsoleRoutes.install(config);
        });
        app.events(events -> {
            events.serverStarted(() -> log.info("Custodian {} listening on http://{}:{}", Version.current(),
                    settings.httpHost(), app.port()));
            events.serverStopped(metrics::close);
            events.serverStopped(jobs::close);
        });
        app.before(RequestIds::assign);
        app.beforeMatched(access::check);
        app.beforeMatched(new SchemaGate(transactions.schema())::refuseWritesWhileDamaged);
        app.after(Preconditions::answerConditionalRead);
        app.after(RequestIds::clear);

        new OperationsRoutes(transactions).register(app);
        metrics.register(app);
        new UserRoutes(transactions, settings.defaultRegion()).register(app);
        new HistoryRoutes(transactions, jobs).register(app);
        new TokenRoutes(tokens).register(app);
        new BackupRoutes(backups, jobs).register(app);
        new JobRoutes(jobs).register(app);
        new ErasureRoutes(transactions, new Erasures(transactions, backups)).register(app);
        new BackupSchedule(backups, dataSource, settings.backupEvery(), settings.backupKeep()).attachTo(app);
        new BackupExpiry(backups, dataSource, settings.backupMaxAge()).attachTo(app);
        new HistoryRetention(transactions, settings.historyKeep(), settings.historyCompactEvery(), clock)
                .attachTo(app, dataSource);
        return app;
    }
}

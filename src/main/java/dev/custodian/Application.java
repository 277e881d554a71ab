package dev.custodian;

import dev.custodian.auth.AccessControl;
import dev.custodian.auth.TokenRoutes;
import dev.custodian.auth.Tokens;
import dev.custodian.backup.BackupRoutes;
import dev.custodian.backup.BackupSchedule;
import dev.custodian.backup.Backups;
import dev.custodian.config.Settings;
import dev.custodian.db.Transactions;
import dev.custodian.history.HistoryRoutes;
import dev.custodian.http.AccessLog;
import dev.custodian.http.HeadRequests;
import dev.custodian.http.Preconditions;
import dev.custodian.http.ProblemResponses;
import dev.custodian.http.RequestIds;
import dev.custodian.ops.OperationsRoutes;
import dev.custodian.ops.SchemaGate;
import dev.custodian.users.UserRoutes;
import io.javalin.Javalin;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * Builds the unstarted HTTP server from settings, a migrated data source and a clock. Every
 * route of the service is registered here, in one visible place; {@link Main} and the tests
 * both call {@link #create}.
 */
public final class Application {
    private Application() {
    }

    public static Javalin create(Settings settings, DataSource dataSource, Clock clock) {
        var transactions = new Transactions(dataSource);
        var tokens = new Tokens(transactions, clock);
        var access = new AccessControl(tokens);

        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.http.prefer405over404 = true;
            config.router.treatMultipleSlashesAsSingleSlash = true;
            config.requestLogger.http(AccessLog::record);
            HeadRequests.install(config);
            config.jetty.modifyServer(server -> server.setStopTimeout(10_000));
            ProblemResponses.install(config);
        });
        app.before(RequestIds::assign);
        app.beforeMatched(access::check);
        app.beforeMatched(new SchemaGate(transactions.schema())::refuseWritesWhileDamaged);
        app.after(Preconditions::answerConditionalRead);
        app.after(RequestIds::clear);

        new OperationsRoutes(transactions, dataSource, clock).register(app);
        new UserRoutes(transactions, settings.defaultRegion()).register(app);
        new HistoryRoutes(transactions).register(app);
        new TokenRoutes(tokens).register(app);
        var backups = new Backups(settings.backupDir(), transactions, clock);
        new BackupRoutes(backups).register(app);
        new BackupSchedule(backups, settings.backupEvery(), settings.backupKeep(), clock).attachTo(app);
        return app;
    }
}

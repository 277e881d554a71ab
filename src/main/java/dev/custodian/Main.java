package dev.custodian;

import dev.custodian.auth.FirstAdminToken;
import dev.custodian.auth.Role;
import dev.custodian.auth.Tokens;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.config.Settings;
import dev.custodian.config.SettingsException;
import dev.custodian.db.Database;
import dev.custodian.db.Transactions;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The command line: {@code serve}, {@code token create}. Parses, then calls the application. */
@Command(name = "custodian", mixinStandardHelpOptions = true,
        description = "A user-profile service on PostgreSQL where no write silently destroys data.",
        subcommands = {Main.Serve.class, Main.TokenCommand.class})
public final class Main {

    public static void main(String[] args) {
        var commandLine = new CommandLine(new Main())
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (e instanceof SettingsException || e instanceof IllegalArgumentException) {
                        line.getErr().println("custodian: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
        System.exit(commandLine.execute(args));
    }

    /** Options every command that touches the database shares; each overrides its variable. */
    static final class DatabaseOptions {
        @Option(names = "--database-url", description = "PostgreSQL URL (CUSTODIAN_DATABASE_URL); unset: embedded")
        String databaseUrl;

        @Option(names = "--data-dir", description = "data directory (CUSTODIAN_DATA_DIR, default ./custodian-data)")
        Path dataDir;

        Settings settings() {
            Settings settings = Settings.fromEnvironment(System.getenv());
            if (databaseUrl != null) {
                settings = settings.withDatabaseUrl(Optional.of(DatabaseUrl.parse("--database-url", databaseUrl)));
            }
            return dataDir == null ? settings : settings.withDataDir(dataDir);
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the HTTP server.")
    static final class Serve implements Callable<Integer> {
        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        @Option(names = "--host", description = "listen address (CUSTODIAN_HTTP_HOST, default 127.0.0.1)")
        String host;

        @Option(names = "--port", description = "listen port (CUSTODIAN_HTTP_PORT, default 8080)")
        Integer port;

        @Override
        public Integer call() throws InterruptedException {
            Settings base = database.settings();
            Settings settings = base.withHttp(host == null ? base.httpHost() : host, port == null ? base.httpPort() : port);
            checkCanListen(settings);
            Database db = Database.open(settings);
            FirstAdminToken.ensure(new Tokens(new Transactions(db.dataSource()), Clock.systemUTC()), settings.dataDir())
                    .ifPresent(token -> System.out.println("Created the first admin token (also in "
                            + settings.dataDir().resolve(FirstAdminToken.FILE_NAME) + "):\n" + token));
            Javalin app = Application.create(settings, db.dataSource(), Clock.systemUTC());
            var stopped = new CountDownLatch(1);
            // SIGTERM or Ctrl-C: stop accepting, let in-flight requests finish (Jetty's graceful
            // stop, bounded by the stop timeout), then close the pool and the embedded server.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    app.stop();
                } finally {
                    db.close();
                    stopped.countDown();
                }
            }, "custodian-shutdown"));
            app.start(settings.httpHost(), settings.httpPort());
            stopped.await();
            return 0;
        }
    }

    /**
     * Fails fast, with a message naming the setting, when the address is taken: Jetty's own
     * failure is reported only after the database has started, and obscured by its stop.
     */
    static void checkCanListen(Settings settings) {
        if (settings.httpPort() == 0) {
            return;
        }
        try (var socket = new java.net.ServerSocket()) {
            socket.bind(new java.net.InetSocketAddress(settings.httpHost(), settings.httpPort()));
        } catch (java.io.IOException e) {
            throw new SettingsException("cannot listen on " + settings.httpHost() + ":" + settings.httpPort()
                    + " (" + e.getMessage() + "); choose another with --port or CUSTODIAN_HTTP_PORT");
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens.",
            subcommands = TokenCreate.class)
    static final class TokenCommand {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token and print it once; only its hash is stored.")
    static final class TokenCreate implements Callable<Integer> {
        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        @Option(names = "--name", required = true, description = "token name, recorded as the actor of its changes")
        String name;

        @Option(names = "--role", required = true, description = "read, write or admin")
        String role;

        @Override
        public Integer call() {
            Role parsed = Role.parse(role);
            try (Database db = Database.open(database.settings())) {
                String token = new Tokens(new Transactions(db.dataSource()), Clock.systemUTC()).create(name, parsed);
                System.out.println(token);
            }
            return 0;
        }
    }
}

package dev.custodian;

import dev.custodian.adopt.AdoptedTable;
import dev.custodian.adopt.AdoptedTables;
import dev.custodian.adopt.AdoptionException;
import dev.custodian.adopt.Adoptions;
import dev.custodian.auth.FirstAdminToken;
import dev.custodian.auth.IssuedToken;
import dev.custodian.auth.TokenInfo;
import dev.custodian.auth.TokenRequest;
import dev.custodian.auth.Tokens;
import dev.custodian.backup.BackupKind;
import dev.custodian.backup.Backups;
import dev.custodian.backup.RestoreRequest;
import dev.custodian.backup.VerificationReport;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.config.Settings;
import dev.custodian.config.SettingsException;
import dev.custodian.db.AppRoleGrants;
import dev.custodian.db.CustodianSchema;
import dev.custodian.db.Database;
import dev.custodian.db.DatabaseException;
import dev.custodian.db.DatabaseUnavailableException;
import dev.custodian.db.Migrations;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.erasure.ErasureReport;
import dev.custodian.erasure.ErasureRequest;
import dev.custodian.erasure.Erasures;
import dev.custodian.history.RollbackJobs;
import dev.custodian.http.ApiException;
import dev.custodian.http.Json;
import dev.custodian.jobs.Jobs;
import dev.custodian.jobs.PlannedJob;
import dev.custodian.tracked.RowErasedException;
import dev.custodian.tracked.RowNotFoundException;
import dev.custodian.tracked.TrackedTable;
import io.javalin.Javalin;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The command line: {@code serve}, {@code token create}, {@code backup ...}, {@code rollback}, {@code db grant-app}, {@code user erase}, {@code table erase}, {@code adopt}. Parses, then calls the application. */
@Command(name = "custodian", mixinStandardHelpOptions = true, versionProvider = Main.VersionLine.class,
        description = "A user-profile service on PostgreSQL where no write silently destroys data.",
        subcommands = {Main.Serve.class, Main.TokenCommand.class, Main.BackupCommand.class, Main.Rollback.class,
                Main.DbCommand.class, Main.UserCommand.class, Main.TableCommand.class, Main.Adopt.class})
public final class Main {

    /** {@code --version}: the version this jar was built as. */
    static final class VersionLine implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"custodian " + Version.current()};
        }
    }

    public static void main(String[] args) {
        if (ServeInSmallHeap.applies(args)) {
            try {
                System.exit(ServeInSmallHeap.run(args));
            } catch (java.io.IOException | InterruptedException e) {
                System.err.println("custodian: could not start the server's JVM: " + e.getMessage());
                System.exit(1);
            }
        }
        ServeInSmallHeap.followParent();
        System.exit(commandLine().execute(args));
    }

    /**
     * The parser with its error handling: each failure a person can fix is one {@code custodian: }
     * line on standard error, without a stack trace. Usage and settings errors exit 2; refused
     * operations and a database out of reach exit 1.
     */
    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setParameterExceptionHandler((e, args) -> {
                    var line = e.getCommandLine();
                    line.getErr().println("custodian: " + e.getMessage() + "; see '"
                            + line.getCommandSpec().qualifiedName() + " --help'");
                    return 2;
                })
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (e instanceof SettingsException || e instanceof IllegalArgumentException) {
                        line.getErr().println("custodian: " + e.getMessage());
                        return 2;
                    }
                    if (e instanceof ApiException problem && !problem.errors().isEmpty()) {
                        problem.errors().forEach(error ->
                                line.getErr().println("custodian: " + error.path() + ": " + error.message()));
                        return 1;
                    }
                    if (e instanceof ApiException || e instanceof DatabaseException
                            || e instanceof DatabaseUnavailableException || e instanceof RowNotFoundException
                            || e instanceof RowErasedException || e instanceof AdoptionException) {
                        line.getErr().println("custodian: " + e.getMessage());
                        return 1;
                    }
                    if (e instanceof java.io.UncheckedIOException io) {
                        line.getErr().println("custodian: " + io.getMessage() + ": " + io.getCause().getMessage());
                        return 1;
                    }
                    throw e;
                });
    }

    /** Options every command that touches the database shares; each overrides its variable. */
    static final class DatabaseOptions {
        @Option(names = "--database-url", description = "PostgreSQL URL (CUSTODIAN_DATABASE_URL); unset: embedded")
        String databaseUrl;

        @Option(names = "--data-dir", description = "data directory (CUSTODIAN_DATA_DIR, default ./custodian-data)")
        Path dataDir;

        @Spec(Spec.Target.MIXEE)
        CommandSpec command;

        Settings settings() {
            Settings settings = Settings.fromEnvironment(System.getenv());
            if (databaseUrl != null) {
                settings = settings.withDatabaseUrl(Optional.of(DatabaseUrl.parse("--database-url", databaseUrl)));
            }
            return dataDir == null ? settings : settings.withDataDir(dataDir);
        }

        /**
         * Opens the database for one command other than {@code serve} and says on standard error,
         * in one line, whose embedded database it uses: the running server's, or its own.
         */
        Database open(Settings settings) {
            Database db = Database.open(settings);
            var err = command.commandLine().getErr();
            db.joinedServer().ifPresentOrElse(
                    server -> err.println("custodian: using the database of " + server.description()),
                    () -> db.embeddedDirectory().ifPresent(directory -> err.println("custodian: no server is running on "
                            + settings.dataDir() + "; started its embedded database for this command")));
            return db;
        }
    }

    /** A command that opens the database: the shared options, and the output streams picocli was given. */
    abstract static class DatabaseCommand implements Callable<Integer> {
        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
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

        @Option(names = "--statement-timeout", description = "longest a request's SQL statement may run,"
                + " such as 5s (CUSTODIAN_STATEMENT_TIMEOUT, default 5s)")
        String statementTimeout;

        @Override
        public Integer call() throws InterruptedException {
            Settings base = database.settings();
            Settings settings = base.withHttp(host == null ? base.httpHost() : host, port == null ? base.httpPort() : port)
                    .withStatementTimeout(statementTimeout == null ? base.statementTimeout()
                            : Settings.duration("--statement-timeout", statementTimeout));
            checkCanListen(settings);
            Database db = Database.openForServing(settings);
            // System.console() is null when standard input or output is not a terminal (JDK 17-21).
            FirstAdminToken.ensure(new Tokens(new Transactions(db.dataSource()), Clock.systemUTC()), settings.dataDir(),
                    Optional.ofNullable(System.console()).map(console -> System.out));
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

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Create, list and revoke API tokens.",
            subcommands = {TokenCreate.class, TokenList.class, TokenRevoke.class})
    static final class TokenCommand {
    }

    /** Opens the database the settings name, for one token command. */
    static <T> T withTokens(DatabaseOptions options, Function<Tokens, T> action) {
        try (Database db = options.open(options.settings())) {
            return action.apply(new Tokens(new Transactions(db.dataSource()), Clock.systemUTC()));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token and print it once; only its hash is stored.")
    static final class TokenCreate extends DatabaseCommand {
        @Option(names = "--name", required = true, description = "token name, recorded as the actor of its changes")
        String name;

        @Option(names = "--role", required = true, description = "read, write or admin")
        String role;

        @Option(names = "--expires", paramLabel = "LIFETIME",
                description = "refuse the token after this long, such as 90d, 30d or 12h; default: until revoked")
        String expires;

        @Override
        public Integer call() {
            TokenRequest request = TokenRequest.of(name, role, expires);
            IssuedToken issued = withTokens(database, tokens -> tokens.create(request, false));
            // The secret alone on standard output, so that TOKEN=$(custodian token create ...) works.
            out().println(issued.secret());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List tokens, oldest first, without their secrets (which are not stored).")
    static final class TokenList extends DatabaseCommand {
        @Override
        public Integer call() {
            List<TokenInfo> all = withTokens(database, tokens -> tokens.list(0, Integer.MAX_VALUE));
            var out = out();
            String row = "%-24s %-6s %-8s %-27s %-27s %-27s %s%n";
            out.printf(row, "name", "role", "status", "created", "expires", "last used", "revoked");
            all.forEach(token -> out.printf(row, token.name(), token.role(), token.status(), token.createdAt(),
                    dash(token.expiresAt()), dash(token.lastUsedAt()), dash(token.revokedAt())));
            return 0;
        }

        private static String dash(String time) {
            return time == null ? "-" : time;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a token: every instance refuses it within a second. Its name stays in history.")
    static final class TokenRevoke extends DatabaseCommand {
        @Parameters(paramLabel = "NAME", description = "the token's name")
        String name;

        @Option(names = "--force", description = "revoke it even if it is the last working admin token")
        boolean force;

        @Override
        public Integer call() {
            TokenInfo revoked = withTokens(database, tokens -> tokens.revoke(name, force, false));
            out().println("token " + revoked.name() + " revoked at " + revoked.revokedAt());
            return 0;
        }
    }

    /** Who a command writes as, in history. */
    static String cliActor() {
        return "cli:" + System.getProperty("user.name");
    }

    /**
     * Runs a rollback or restore as a job in this process (refused while another runs, on this
     * or any instance sharing the database), showing its progress on standard error.
     */
    static ObjectNode runJob(DatabaseCommand command, BiFunction<Settings, Transactions, PlannedJob> plan) {
        Settings settings = command.database.settings();
        var progress = new ProgressLines(command.spec.commandLine().getErr(), ProgressLines.onTerminal());
        try (Database db = command.database.open(settings)) {
            var transactions = new Transactions(db.dataSource());
            try (var jobs = new Jobs(db.dataSource(), transactions, settings.jobThreshold())) {
                return jobs.runHere(plan.apply(settings, transactions), progress);
            }
        } finally {
            progress.finish();
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Undo every change made in a time window across all users (or the rows of one adopted"
                    + " table), keeping paths that later changes outside it touched; prints the report (as POST"
                    + " /admin/rollback).")
    static final class Rollback extends DatabaseCommand {
        @Option(names = "--table", paramLabel = "TABLE",
                description = "an adopted table (its name as written) whose rows to roll back instead of users")
        String table;

        @Option(names = "--from", required = true, paramLabel = "TIME",
                description = "start of the window, included: an RFC 3339 time such as 2026-11-26T09:00:00Z")
        String from;

        @Option(names = "--to", required = true, paramLabel = "TIME", description = "end of the window, excluded")
        String to;

        @Option(names = "--actor", description = "only this actor's changes, such as token:billing-api")
        String actor;

        @Option(names = "--source", description = "only changes made through the service (api) or not (sql)")
        String source;

        @Option(names = "--dry-run", description = "report what would change, change nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            ObjectNode body = Json.MAPPER.createObjectNode().put("from", from).put("to", to);
            if (table != null) {
                body.put("table", table);
            }
            if (actor != null) {
                body.put("actor", actor);
            }
            if (source != null) {
                body.put("source", source);
            }
            var report = runJob(this, (settings, transactions) ->
                    new RollbackJobs(transactions).plan(body, dryRun, cliActor(), UUID.randomUUID().toString()));
            out().println(report.toPrettyString());
            return 0;
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Create, list, verify and restore backups (files in CUSTODIAN_BACKUP_DIR).",
            subcommands = {BackupCreate.class, BackupList.class, BackupVerify.class, BackupRestore.class})
    static final class BackupCommand {
    }

    /** Opens the database and the backup folder the settings name, for one backup command. */
    static <T> T withBackups(DatabaseOptions options, Function<Backups, T> action) {
        Settings settings = options.settings();
        try (Database db = options.open(settings)) {
            return action.apply(new Backups(settings.backupDir(), new Transactions(db.dataSource()), Clock.systemUTC()));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Back up users and their history now; prints the manifest.")
    static final class BackupCreate extends DatabaseCommand {
        @Override
        public Integer call() {
            var created = withBackups(database, backups -> backups.create(BackupKind.MANUAL));
            out().println(created.toPrettyString());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List backups, newest first.")
    static final class BackupList extends DatabaseCommand {
        @Override
        public Integer call() {
            var page = withBackups(database, backups -> backups.list(Integer.MAX_VALUE - 1, null));
            var out = out();
            out.printf("%-40s %-9s %-27s %10s %10s %12s%n", "id", "kind", "created", "users", "changes", "bytes");
            page.get("items").forEach(item -> out.println(item.has("problem")
                    ? String.format("%-40s invalid: %s", item.get("id").asText(), item.get("problem").asText())
                    : String.format("%-40s %-9s %-27s %10d %10d %12d", item.get("id").asText(), item.get("kind").asText(),
                            item.get("createdAt").asText(), item.get("users").asLong(), item.get("changes").asLong(),
                            item.get("bytes").asLong())));
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check a backup's checksum and restore it into a scratch schema; exit 1 when invalid.")
    static final class BackupVerify extends DatabaseCommand {
        @Parameters(paramLabel = "ID", description = "the backup's id (its file name without .backup.gz)")
        String id;

        @Override
        public Integer call() {
            VerificationReport report = withBackups(database, backups -> backups.verify(id));
            var out = out();
            report.checks().forEach(check -> out.printf("%-6s %-18s %s%n", check.ok() ? "ok" : "FAILED",
                    check.name(), check.detail()));
            out.println(report.ok() ? "backup " + id + " is valid" : "backup " + id + " is INVALID");
            return report.ok() ? 0 : 1;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore a backup (or one user of it) as new, undoable changes; prints the report.")
    static final class BackupRestore extends DatabaseCommand {
        @Parameters(paramLabel = "ID", description = "the backup's id (its file name without .backup.gz)")
        String id;

        @Option(names = "--user", description = "restore only this user id, whatever happened to it since the backup")
        Long userId;

        @Option(names = "--overwrite", split = ",", paramLabel = "IDS|all",
                description = "also return these users (or all) although the API wrote them since the backup")
        List<String> overwrite;

        @Option(names = "--keep", split = ",", paramLabel = "IDS", description = "leave these users as they are")
        List<Long> keep;

        @Option(names = "--dry-run", description = "report what would change, change nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            boolean all = List.of("all").equals(overwrite);
            var request = new RestoreRequest(userId, all, all ? new TreeSet<>() : userIds("--overwrite", overwrite),
                    keep == null ? new TreeSet<>() : new TreeSet<>(keep), dryRun);
            var context = WriteContext.of(cliActor(), UUID.randomUUID().toString());
            var report = runJob(this, (settings, transactions) ->
                    new Backups(settings.backupDir(), transactions, Clock.systemUTC()).restoreJob(id, context, request));
            out().println(report.toPrettyString());
            return 0;
        }

        private static TreeSet<Long> userIds(String option, List<String> values) {
            var ids = new TreeSet<Long>();
            for (String value : values == null ? List.<String>of() : values) {
                try {
                    ids.add(Long.parseLong(value.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(option + " takes 'all' or user ids separated by commas, got '"
                            + value + "'");
                }
            }
            return ids;
        }
    }

    @Command(name = "db", mixinStandardHelpOptions = true, description = "Manage the database's roles for other applications.",
            subcommands = {GrantApp.class})
    static final class DbCommand {
    }

    @Command(name = "grant-app", mixinStandardHelpOptions = true,
            description = "Let a database role of another application read and write users, recorded in history as"
                    + " sql:ROLE, without the rights to forge history, empty, alter or drop tables, or disable guards.")
    static final class GrantApp extends DatabaseCommand {
        @Parameters(paramLabel = "ROLE", description = "an existing database role (CREATE ROLE ... LOGIN first)")
        String role;

        @Override
        public Integer call() {
            var context = WriteContext.of(cliActor(), UUID.randomUUID().toString());
            AppRoleGrants.Granted granted;
            try (Database db = database.open(database.settings())) {
                granted = AppRoleGrants.grant(new Transactions(db.dataSource()), context, role);
            }
            var out = out();
            granted.statements().forEach(statement -> out.println(statement + ";"));
            var err = spec.commandLine().getErr();
            granted.beyond().forEach(right -> err.println("custodian: warning: role " + role + " keeps more than an"
                    + " application needs: " + right));
            // The role's search path stays the application's own (docs/access.md says why).
            err.println("custodian: note: the tables are in schema " + CustodianSchema.NAME + ": role " + role
                    + " names them " + CustodianSchema.NAME + ".users, or puts " + CustodianSchema.NAME
                    + " in its connection's search path");
            return 0;
        }
    }

    @Command(name = "user", mixinStandardHelpOptions = true, description = "Act on one user: erase.",
            subcommands = {UserErase.class})
    static final class UserCommand {
    }

    /** What {@code user erase} and {@code table erase} share: the reason, the dry run, and how an erasure runs. */
    abstract static class EraseCommand extends DatabaseCommand {
        @Option(names = "--reason", required = true,
                description = "why, recorded in the erasure register (a ticket, never the person's data)")
        String reason;

        @Option(names = "--dry-run", description = "report what would be erased, erase nothing")
        boolean dryRun;

        /** What the command erases, given its database's transactions and erasures, in the CLI's context. */
        abstract ErasureReport erase(Transactions transactions, Erasures erasures, WriteContext context);

        @Override
        public Integer call() {
            var context = WriteContext.of(cliActor(), UUID.randomUUID().toString());
            Settings settings = database.settings();
            try (Database db = database.open(settings)) {
                var transactions = new Transactions(db.dataSource());
                var backups = new Backups(settings.backupDir(), transactions, Clock.systemUTC());
                out().println(erase(transactions, new Erasures(transactions, backups), context).toJson().toPrettyString());
            }
            return 0;
        }
    }

    @Command(name = "erase", mixinStandardHelpOptions = true,
            description = "Erase a user for good: the row and the values in its history; prints the report.")
    static final class UserErase extends EraseCommand {
        @Parameters(paramLabel = "ID", description = "the user's id")
        long id;

        @Override
        ErasureReport erase(Transactions transactions, Erasures erasures, WriteContext context) {
            return erasures.erase(new ErasureRequest(Long.toString(id), reason, dryRun), context);
        }
    }

    @Command(name = "table", mixinStandardHelpOptions = true, description = "Act on one row of an adopted table: erase.",
            subcommands = {TableErase.class})
    static final class TableCommand {
    }

    @Command(name = "erase", mixinStandardHelpOptions = true,
            description = "Erase a row of an adopted table for good: the row and the values in its history; prints"
                    + " the report (as POST /admin/tables/{table}/rows/{key}/erase).")
    static final class TableErase extends EraseCommand {
        @Parameters(index = "0", paramLabel = "TABLE", description = "the adopted table, its name as written")
        String table;

        @Parameters(index = "1", paramLabel = "KEY", description = "the row's key")
        String key;

        @Override
        ErasureReport erase(Transactions transactions, Erasures erasures, WriteContext context) {
            TrackedTable adopted = AdoptedTables.require(transactions, table);
            String row = adopted.canonicalKey(key).orElseThrow(() -> new IllegalArgumentException(adopted.notAKey(key)));
            return erasures.erase(adopted, new ErasureRequest(row, reason, dryRun), context);
        }
    }

    @Command(name = "adopt", mixinStandardHelpOptions = true,
            description = "Put Custodian's guards and history on another application's table, in its own database,"
                    + " without changing what the application sees (docs/adopting.md); list or remove them.")
    static final class Adopt extends DatabaseCommand {
        @Option(names = "--table", description = "the table's name as written, case included, or schema.table")
        String table;

        @Option(names = "--key", description = "its key column: the primary key, or unique and NOT NULL;"
                + " integer, bigint, text or uuid")
        String key;

        @Option(names = "--status", description = "list the adopted tables, their keys, since when, and their history's size")
        boolean status;

        @Option(names = "--remove", description = "take the triggers off --table and forget it; its history stays")
        boolean remove;

        @Override
        public Integer call() throws java.sql.SQLException {
            String wanted = status ? "status" : remove ? "remove" : "adopt";
            if (status && (remove || table != null || key != null)) {
                throw new IllegalArgumentException("--status takes no --table, --key or --remove");
            }
            if (!status && table == null) {
                throw new IllegalArgumentException("--table is required, or --status");
            }
            if (remove && key != null) {
                throw new IllegalArgumentException("--remove takes --table only");
            }
            if (wanted.equals("adopt") && key == null) {
                throw new IllegalArgumentException("--key is required: the column that names one row of " + table);
            }
            Settings settings = database.settings();
            if (settings.databaseUrl().isPresent()) {
                DatabaseUrl url = settings.databaseUrl().get();
                try (var connection = connect(url)) {
                    return run(wanted, connection);
                }
            }
            try (Database db = database.open(settings); var connection = db.dataSource().getConnection()) {
                return run(wanted, connection);
            }
        }

        /**
         * The database the URL names, usually the application's own, with Custodian's schema
         * brought up to date in it (docs/adopting.md), and a connection of its own that finds
         * the application's tables as the application does.
         */
        private static java.sql.Connection connect(DatabaseUrl url) throws java.sql.SQLException {
            Migrations.run(url);
            var properties = new java.util.Properties();
            url.user().ifPresent(user -> properties.setProperty("user", user));
            url.password().ifPresent(password -> properties.setProperty("password", password));
            properties.setProperty("ApplicationName", "custodian adopt");
            return java.sql.DriverManager.getConnection(url.jdbcUrl(), properties);
        }

        private Integer run(String wanted, java.sql.Connection connection) {
            var out = out();
            switch (wanted) {
                case "status" -> {
                    List<AdoptedTable> all = Adoptions.status(connection);
                    String row = "%-24s %-16s %-21s %12s %14s%n";
                    out.printf(row, "table", "key", "since", "history rows", "history bytes");
                    all.forEach(adopted -> out.printf(row, adopted.table(), adopted.keyColumn(), adopted.since(),
                            adopted.historyRows(), adopted.historyBytes()));
                }
                case "remove" -> {
                    Adoptions.remove(connection, table, cliActor());
                    out.println("table " + table + " is no longer adopted; its history stays in custodian.changes");
                }
                default -> {
                    var adopted = Adoptions.adopt(connection, table, key, cliActor());
                    out.println("table " + adopted.table() + " adopted, keyed by " + key + ": " + adopted.rows()
                            + " rows recorded" + (adopted.documentColumns().isEmpty() ? ""
                            : "; documents guarded: " + String.join(", ", adopted.documentColumns()))
                            + (adopted.ddlGuard() ? "; DDL guard on"
                            : "; DDL guard off: only a superuser may install it (docs/adopting.md)"));
                }
            }
            return 0;
        }
    }
}

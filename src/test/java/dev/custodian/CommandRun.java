package dev.custodian;

import dev.custodian.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import javax.sql.DataSource;

/** One command line run in process against a test database: exit code, standard output, standard error. */
record CommandRun(int exit, String out, String err) {

    /** Runs {@code custodian <args> --database-url <db> --data-dir <dataDir>}. */
    static CommandRun run(DataSource db, Path dataDir, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--database-url";
        all[args.length + 1] = jdbcUrlWithUser(db);
        all[args.length + 2] = "--data-dir";
        all[args.length + 3] = dataDir.toString();
        int exit = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(all);
        return new CommandRun(exit, out.toString(), err.toString());
    }

    private static String jdbcUrlWithUser(DataSource db) {
        var url = TestDatabase.urlOf(db);
        String query = url.user().map(user -> "user=" + user).orElse("")
                + url.password().map(password -> "&password=" + password).orElse("");
        return url.jdbcUrl() + (url.jdbcUrl().contains("?") ? "&" : "?") + query;
    }
}

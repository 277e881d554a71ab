package dev.custodian;

import dev.custodian.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * One command run in this JVM through {@link Main#commandLine()}, as {@code java -jar} would run
 * it: exit code, standard output, standard error.
 */
record CommandRun(int exit, String out, String err) {

    static CommandRun of(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }

    /** Runs {@code custodian <args> --database-url <db> --data-dir <dataDir>}. */
    static CommandRun run(DataSource db, Path dataDir, String... args) {
        String[] all = Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--database-url";
        all[args.length + 1] = TestDatabase.urlWithCredentials(db);
        all[args.length + 2] = "--data-dir";
        all[args.length + 3] = dataDir.toString();
        return of(all);
    }

    /** The lines the command itself wrote to standard error for a person, without the log. */
    List<String> messages() {
        return Arrays.stream(err.split("\n")).filter(line -> line.startsWith("custodian:")).toList();
    }
}

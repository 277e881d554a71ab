package dev.custodian;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

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

    /** The lines the command itself wrote to standard error for a person, without the log. */
    List<String> messages() {
        return Arrays.stream(err.split("\n")).filter(line -> line.startsWith("custodian:")).toList();
    }
}

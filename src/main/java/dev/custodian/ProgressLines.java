package dev.custodian;

import dev.custodian.jobs.Progress;
import dev.custodian.jobs.ProgressListener;
import java.io.PrintWriter;

/**
 * Shows a command's progress on standard error: on a terminal, one bar redrawn in place; else
 * (a log, a pipe) a plain line at most every {@link #LINE_EVERY_MILLIS}, and always the last
 * one. Written by hand: the bar is one line of text, not worth a terminal library in the jar.
 * Not thread-safe: the job's thread alone calls it.
 */
final class ProgressLines implements ProgressListener {
    static final long LINE_EVERY_MILLIS = 1000;
    private static final int BAR_WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private long shownAt = Long.MIN_VALUE;
    private Progress latest;

    ProgressLines(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** Whether standard error and output are a terminal a person watches. */
    static boolean onTerminal() {
        return System.console() != null;
    }

    @Override
    public void update(Progress progress) {
        latest = progress;
        long now = System.nanoTime() / 1_000_000;
        if (terminal) {
            err.print("\r" + bar(progress) + " " + counts(progress));
            err.flush();
        } else if (now - shownAt >= LINE_EVERY_MILLIS || progress.usersDone() == progress.usersTotal()) {
            shownAt = now;
            err.println("progress: " + counts(progress));
            err.flush();
        }
    }

    /** Ends the bar's line, so that what follows starts on a line of its own. */
    void finish() {
        if (terminal && latest != null) {
            err.println();
            err.flush();
        }
    }

    static String counts(Progress progress) {
        return progress.usersDone() + "/" + progress.usersTotal() + " users, " + progress.changesUndone()
                + " changes undone, " + progress.conflicts() + " conflicts";
    }

    private static String bar(Progress progress) {
        int filled = progress.usersTotal() == 0 ? BAR_WIDTH
                : (int) (BAR_WIDTH * progress.usersDone() / progress.usersTotal());
        long percent = progress.usersTotal() == 0 ? 100 : 100 * progress.usersDone() / progress.usersTotal();
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + percent + "%";
    }
}

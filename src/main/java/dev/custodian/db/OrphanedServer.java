package dev.custodian.db;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Custodian killed without a chance to stop (kill -9, a crash) leaves its PostgreSQL running
 * on the data directory, and a new server would refuse to start there. Once the caller knows
 * that no live Custodian holds the server ({@link EmbeddedLayout#serverLock()}), such a server
 * is an orphan: stop it as {@code pg_ctl stop -m fast} does, which also ends the sessions still
 * connected to it, and fall back to an immediate stop (crash recovery at the next start, which
 * loses nothing committed) when that takes too long. Stateless.
 */
final class OrphanedServer {
    private static final Logger log = LoggerFactory.getLogger(OrphanedServer.class);
    /** pg_ctl's own default wait; a fast stop is a checkpoint after the sessions are ended. */
    private static final Duration FAST_STOP_WAIT = Duration.ofSeconds(60);
    private static final Duration IMMEDIATE_STOP_WAIT = Duration.ofSeconds(15);
    /** How far the start time in postmaster.pid (whole seconds) may be from the process's own. */
    private static final Duration SAME_START = Duration.ofSeconds(5);

    private OrphanedServer() {
    }

    static void stopIfRunning(EmbeddedLayout layout) throws IOException {
        Optional<ProcessHandle> orphan = PostmasterPid.read(layout.postmasterPid()).flatMap(OrphanedServer::postmaster);
        if (orphan.isEmpty()) {
            return;
        }
        Path cluster = layout.cluster();
        long pid = orphan.get().pid();
        log.warn("stopping PostgreSQL (pid {}) left running on {} by a Custodian that did not stop cleanly", pid, cluster);
        // SIGINT is PostgreSQL's fast shutdown: sessions are ended, then a checkpoint is written.
        if (stopped(orphan.get(), "INT", FAST_STOP_WAIT)) {
            return;
        }
        log.warn("PostgreSQL (pid {}) did not stop within {} s; stopping it immediately", pid, FAST_STOP_WAIT.toSeconds());
        // SIGQUIT is the immediate shutdown: no checkpoint, the WAL is replayed at the next start.
        if (!stopped(orphan.get(), "QUIT", IMMEDIATE_STOP_WAIT)) {
            throw new IOException("the PostgreSQL left running on " + cluster + " (pid " + pid + ") does not stop;"
                    + " stop it with: kill -9 " + pid);
        }
    }

    /**
     * The process postmaster.pid names, if it is still that postmaster. After a reboot the pid
     * may belong to another process, even another PostgreSQL; the start time tells them apart.
     */
    private static Optional<ProcessHandle> postmaster(PostmasterPid pidFile) {
        return ProcessHandle.of(pidFile.pid())
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false))
                .filter(process -> process.info().startInstant()
                        .map(at -> Duration.between(at, pidFile.started()).abs().compareTo(SAME_START) <= 0).orElse(false));
    }

    private static boolean stopped(ProcessHandle process, String signal, Duration wait) throws IOException {
        signal(process.pid(), signal);
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned PostgreSQL", e);
        } catch (ExecutionException e) {
            throw new IOException("could not wait for the orphaned PostgreSQL to stop", e);
        }
    }

    /** Java can send only SIGTERM and SIGKILL; the shell that pg_ctl itself starts PostgreSQL with sends the others. */
    private static void signal(long pid, String signal) throws IOException {
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " " + pid)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                // The wait for the process to exit that follows tells whether it worked.
                log.warn("kill -s {} {} did not succeed", signal, pid);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling the orphaned PostgreSQL", e);
        }
    }
}

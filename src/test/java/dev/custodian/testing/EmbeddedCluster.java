package dev.custodian.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL of a data directory seen from outside, as an operator sees it: its
 * processes from {@code postmaster.pid} (PostgreSQL's documented lock file: pid on the first
 * line, port on the fourth, see https://www.postgresql.org/docs/current/storage-file-layout.html).
 */
public final class EmbeddedCluster {
    private EmbeddedCluster() {
    }

    public static Path pidFile(Path dataDir) {
        return dataDir.resolve("postgres").resolve("postmaster.pid");
    }

    public static Path passwordFile(Path dataDir) {
        return dataDir.resolve("postgres-password");
    }

    public static String password(Path dataDir) {
        try {
            return Files.readString(passwordFile(dataDir)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain client of the cluster over TCP, as any local process could try. */
    public static Connection connect(Path dataDir, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port(dataDir) + "/postgres", properties);
    }

    public static ProcessHandle postmaster(Path dataDir) {
        long pid = Long.parseLong(pidFileLine(dataDir, 0));
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no PostgreSQL process " + pid));
    }

    public static int port(Path dataDir) {
        return Integer.parseInt(pidFileLine(dataDir, 3));
    }

    /** The postmaster and every process it started (backends, WAL writer, checkpointer, ...). */
    public static List<ProcessHandle> processes(Path dataDir) {
        ProcessHandle postmaster = postmaster(dataDir);
        return Stream.concat(postmaster.descendants(), Stream.of(postmaster)).toList();
    }

    /** SIGKILL to every process given, children first, as closely together as the JVM allows; then waits for them to be gone. */
    public static void killAll(List<ProcessHandle> processes) throws Exception {
        processes.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : processes) {
            process.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    private static String pidFileLine(Path dataDir, int index) {
        try {
            return Files.readAllLines(pidFile(dataDir)).get(index).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

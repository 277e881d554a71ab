package dev.custodian.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL's own lock file in a cluster, {@code postmaster.pid}, as the server writes it:
 * one value per line, pid first, then the data directory, the start time (Unix seconds), the
 * port, the socket directory and the first listen address
 * (https://www.postgresql.org/docs/current/storage-file-layout.html, line numbers from
 * {@code src/include/utils/pidfile.h}). The server writes it in steps while it starts, so a
 * file read too early may lack the later lines. Thread-safe (immutable).
 *
 * @param pid           the postmaster's process id
 * @param started       when the postmaster started, to tell it from a later process given the same pid
 * @param port          the TCP port it listens on
 * @param listenAddress the first address it listens on, empty when not yet written or not on TCP
 */
record PostmasterPid(long pid, Instant started, int port, Optional<String> listenAddress) {
    private static final int PID = 0;
    private static final int START_TIME = 2;
    private static final int PORT = 3;
    private static final int LISTEN_ADDRESS = 5;

    /** The file's content, or empty when there is no file or it does not hold pid, start time and port yet. */
    static Optional<PostmasterPid> read(Path file) throws IOException {
        try {
            return parse(Files.readAllLines(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static Optional<PostmasterPid> parse(List<String> lines) {
        if (lines.size() <= PORT || !number(lines, PID) || !number(lines, START_TIME) || !number(lines, PORT)) {
            return Optional.empty();
        }
        Optional<String> address = lines.size() > LISTEN_ADDRESS
                ? Optional.of(lines.get(LISTEN_ADDRESS).strip()).filter(line -> !line.isEmpty() && !line.equals("*"))
                : Optional.empty();
        return Optional.of(new PostmasterPid(Long.parseLong(lines.get(PID).strip()),
                Instant.ofEpochSecond(Long.parseLong(lines.get(START_TIME).strip())),
                Integer.parseInt(lines.get(PORT).strip()), address));
    }

    private static boolean number(List<String> lines, int index) {
        return lines.get(index).strip().matches("\\d{1,18}");
    }
}

package dev.custodian.db;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock the Custodian processes of one data directory take in turn to start, join or stop
 * its embedded server ({@link EmbeddedLayout#turnLock()}). Taking turns means two of them never
 * start PostgreSQL on one cluster at once (initdb included), and a command never joins a server
 * that is still starting or already stopping. {@code serve} holds it while it starts and stops
 * its server; a command that started the server for itself holds it until it has stopped it, so
 * a second command waits for the first instead of joining a server about to go away. The file
 * names the process that last started the server. Not thread-safe; close it once.
 */
final class TurnLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TurnLock.class);
    private static final Duration PAUSE = Duration.ofMillis(100);

    private final FileChannel channel;
    /** Held until the channel is closed, which releases it. */
    private final FileLock lock;

    private TurnLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the turn, waiting up to {@code wait} for the process that has it.
     *
     * @throws DatabaseUnavailableException when the turn did not come within {@code wait}
     */
    static TurnLock take(EmbeddedLayout layout, Duration wait) throws IOException {
        FileChannel channel = FileChannel.open(layout.turnLock(),
                Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            for (boolean waiting = false; ; waiting = true) {
                FileLock lock = LockFiles.tryLock(channel);
                if (lock != null) {
                    return new TurnLock(channel, lock);
                }
                if (System.nanoTime() + PAUSE.toNanos() > deadline) {
                    throw new DatabaseUnavailableException("the embedded database in " + layout.dataDir()
                            + " stayed busy for " + wait.toSeconds() + " s: another Custodian" + pid(starter(channel))
                            + " is starting or stopping it, or running a command on it; try again when it is done,"
                            + " or wait longer with CUSTODIAN_DB_WAIT");
                }
                if (!waiting) {
                    log.info("waiting up to {} s for another Custodian{} to finish with the embedded database in {}",
                            wait.toSeconds(), pid(starter(channel)), layout.dataDir());
                }
                FirstConnection.pause(PAUSE, "the embedded database");
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The live process that last started the embedded server, if the file names one. */
    OptionalLong starter() throws IOException {
        return starter(channel);
    }

    /** Records this process as the one that started the embedded server. */
    void recordStarter() throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    }

    private static OptionalLong starter(FileChannel channel) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(32);
        channel.read(content, 0);
        String text = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII).strip();
        if (!text.matches("\\d{1,18}")) {
            return OptionalLong.empty();
        }
        long pid = Long.parseLong(text);
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    private static String pid(OptionalLong pid) {
        return pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : "";
    }

    /** Gives the turn to the next process; closing the channel releases the lock with it. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}

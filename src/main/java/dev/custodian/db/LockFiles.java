package dev.custodian.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whole-file advisory locks as Custodian's processes use them on the data directory: the
 * operating system releases them when their process ends, however it ends, so a lock that is
 * held belongs to a live process. They are POSIX record locks, owned by the process: closing
 * any channel on a file drops every lock the JVM holds on that file (seen on JDK 17, Linux),
 * so a process asks about a file only while it does not hold that file's lock itself.
 * Stateless.
 */
final class LockFiles {
    private LockFiles() {
    }

    /**
     * The lock, or null when another process holds it. Java refuses a second lock on one file
     * within one JVM with an exception rather than null; for the caller that is the same answer.
     */
    static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** Whether a live process (this one included) holds the lock on the file; false when there is no file. */
    static boolean isHeld(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
             FileLock lock = tryLock(channel)) {
            return lock == null;
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}

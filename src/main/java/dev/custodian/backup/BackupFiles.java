package dev.custodian.backup;

import dev.custodian.http.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The backup folder. A backup is the file {@code <id>.backup.gz}; any such file is a backup,
 * including one copied in by hand. New files are written under a temporary name and published
 * with a hard link, which fails rather than replace a file that already has the name, so an
 * existing backup is never overwritten. Beside a backup, {@code <id>.verification.json} keeps
 * the report of its latest verification. Thread-safe.
 */
final class BackupFiles {
    static final String SUFFIX = ".backup.gz";
    private static final String VERIFICATION_SUFFIX = ".verification.json";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    // Backups hold personal data: readable by the service's user only.
    private static final FileAttribute<?> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<?> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path directory;

    BackupFiles(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /** The id a new backup gets: its UTC time to the millisecond and its kind. */
    static String idFor(Instant createdAt, BackupKind kind) {
        return STAMP.format(createdAt) + "-" + kind.label();
    }

    /** The file of an existing backup; 404 when the id is malformed or no such file exists. */
    Path existing(String id) {
        if (!ID.matcher(id).matches()) {
            throw ApiException.notFound("no backup '" + id + "': backup ids are letters, digits, '.', '_' and '-'");
        }
        Path file = directory.resolve(id + SUFFIX);
        if (!Files.isRegularFile(file)) {
            throw ApiException.notFound("no backup '" + id + "' in the backup folder");
        }
        return file;
    }

    /** Ids of every backup in the folder, newest name first. */
    List<String> ids() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX))
                    .map(name -> name.substring(0, name.length() - SUFFIX.length()))
                    .filter(id -> ID.matcher(id).matches() && Files.isRegularFile(directory.resolve(id + SUFFIX)))
                    .sorted(Comparator.reverseOrder())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the backup folder " + directory, e);
        }
    }

    /** A new empty file in the folder whose name no listing shows; the caller deletes or publishes it. */
    Path newTemporary(String purpose) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, OWNER_ONLY_DIRECTORY);
        }
        try {
            return Files.createTempFile(directory, ".tmp-", "." + purpose, OWNER_ONLY_FILE);
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(directory, ".tmp-", "." + purpose);
        }
    }

    /**
     * Gives a complete, synced temporary file its backup name: {@code preferredId}, or with
     * {@code -2}, {@code -3}... when that is taken. Returns the id it got.
     */
    String publish(Path temporary, String preferredId) throws IOException {
        for (int attempt = 1; attempt <= 100; attempt++) {
            String id = attempt == 1 ? preferredId : preferredId + "-" + attempt;
            if (linkOrMove(temporary, directory.resolve(id + SUFFIX))) {
                syncDirectory();
                return id;
            }
        }
        throw new IOException("could not find a free name for backup " + preferredId + " in " + directory);
    }

    private static boolean linkOrMove(Path temporary, Path target) throws IOException {
        try {
            Files.createLink(target, temporary);
            Files.delete(temporary);
            return true;
        } catch (FileAlreadyExistsException taken) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
            if (Files.exists(target)) {
                return false;
            }
            // Without hard links: a move without REPLACE_EXISTING refuses an existing target.
            try {
                Files.move(temporary, target);
                return true;
            } catch (FileAlreadyExistsException taken) {
                return false;
            }
        }
    }

    /** Makes the new name durable: the directory entry is flushed, not only the file's data. */
    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupportedHere) {
            // some platforms cannot open a directory for syncing; the rename is still atomic
        }
    }

    long size(String id) {
        try {
            return Files.size(existing(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a backup and its verification report. */
    void delete(String id) throws IOException {
        Files.deleteIfExists(existing(id));
        Files.deleteIfExists(directory.resolve(id + VERIFICATION_SUFFIX));
    }

    void writeVerification(String id, String json) throws IOException {
        Path temporary = newTemporary("verification");
        try {
            Files.writeString(temporary, json + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, directory.resolve(id + VERIFICATION_SUFFIX),
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    Optional<String> verification(String id) {
        try {
            return Optional.of(Files.readString(directory.resolve(id + VERIFICATION_SUFFIX), StandardCharsets.UTF_8));
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.custodian.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * On the first start with no token at all, creates the admin token and writes it to
 * {@code <data dir>/admin-token}, readable only by its owner. Later starts do nothing.
 */
public final class FirstAdminToken {
    public static final String FILE_NAME = "admin-token";
    public static final String NAME = "admin";

    private FirstAdminToken() {
    }

    /** Returns the new token if one was created, after writing it to the file. */
    public static Optional<String> ensure(Tokens tokens, Path dataDir) {
        Optional<String> created = tokens.createFirstAdmin(NAME);
        created.ifPresent(secret -> write(dataDir.resolve(FILE_NAME), secret));
        return created;
    }

    private static void write(Path file, String secret) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the admin token to " + file, e);
        }
    }
}

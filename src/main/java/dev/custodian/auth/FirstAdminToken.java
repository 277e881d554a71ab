package dev.custodian.auth;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the first start with no token at all, creates the admin token and writes it to
 * {@code <data dir>/admin-token}, readable only by its owner. The log says where the file is,
 * never the secret: logs are collected and kept where secrets must not be. The secret is
 * printed only to a terminal, where the person starting the service reads it. Later starts do
 * nothing.
 */
public final class FirstAdminToken {
    public static final String FILE_NAME = "admin-token";
    public static final String NAME = "admin";
    private static final Logger log = LoggerFactory.getLogger(FirstAdminToken.class);

    private FirstAdminToken() {
    }

    /**
     * Returns the new token if one was created, after writing it to the file, logging where it
     * is and printing it to {@code terminal} when there is one (standard output when it is a
     * terminal; empty when output goes to a file or a pipe).
     */
    public static Optional<String> ensure(Tokens tokens, Path dataDir, Optional<PrintStream> terminal) {
        Optional<String> created = tokens.createFirstAdmin(NAME);
        created.ifPresent(secret -> {
            Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
            write(file, secret);
            log.info("created the first admin token, named '{}'; it is in {}, readable only by this user", NAME, file);
            terminal.ifPresent(out -> out.println("The first admin token (also in " + file + "):\n" + secret));
        });
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

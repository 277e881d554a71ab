package dev.custodian.db;

import dev.custodian.config.SettingsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The password of the embedded cluster's superuser: generated at the first start, kept in
 * {@link EmbeddedLayout#passwordFile()} (mode 0600), and required by {@code pg_hba.conf} for
 * every local connection, over TCP and the Unix socket alike. Also turns a cluster created
 * before passwords were required (every local connection trusted) into one that asks for it.
 * The password is never logged. Stateless; not for concurrent use on one data directory.
 */
final class EmbeddedPassword {
    static final String SUPERUSER = "postgres";
    /** The method initdb writes into pg_hba.conf, and the one a trusting cluster is moved to. */
    static final String METHOD = "scram-sha-256";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPassword.class);
    /** A pg_hba.conf rule (not a comment) whose method is trust: anyone local may sign in as anyone. */
    private static final Pattern TRUST_RULE = Pattern.compile("(?m)^(\\s*(?:local|host\\w*)\\s[^#\\n]*?\\s)trust(?=\\s|#|$)");
    private static final int RANDOM_BYTES = 24;

    private EmbeddedPassword() {
    }

    /**
     * The cluster's password: the one in the file, or a new one written there when the file is
     * missing and the cluster is new or still trusts everyone.
     */
    static String readOrCreate(EmbeddedLayout layout) throws IOException {
        Path file = layout.passwordFile();
        Path hba = layout.hbaFile();
        if (Files.exists(file) || Files.exists(hba) && !trustsAnyone(Files.readString(hba))) {
            return read(layout);
        }
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
        writePrivately(file, password + "\n");
        return password;
    }

    /** The password in the file, which a running server asks for: a missing or empty file is an error. */
    static String read(EmbeddedLayout layout) throws IOException {
        Path file = layout.passwordFile();
        if (!Files.exists(file)) {
            throw new SettingsException("the embedded database in " + layout.cluster() + " asks for the password kept in "
                    + file + ", which is missing; restore that file from a backup of the data directory");
        }
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (password.isEmpty()) {
            throw new SettingsException(file + " is empty; restore it from a backup of the data directory");
        }
        return password;
    }

    /**
     * A cluster created before passwords were required trusts every local connection: give
     * the superuser the password and make every trust rule ask for it. The SCRAM verifier is
     * computed by the driver, so the password itself never reaches the server or its log.
     */
    static void requireForTrustingCluster(EmbeddedLayout layout, DataSource superuser, String password)
            throws IOException, SQLException {
        Path hba = layout.hbaFile();
        String rules = Files.readString(hba);
        if (!trustsAnyone(rules)) {
            return;
        }
        try (Connection connection = superuser.getConnection(); Statement statement = connection.createStatement()) {
            connection.unwrap(PGConnection.class).alterUserPassword(SUPERUSER, password.toCharArray(), METHOD);
            writePrivately(hba, TRUST_RULE.matcher(rules).replaceAll("$1" + METHOD));
            statement.execute("SELECT pg_reload_conf()");
        }
        log.warn("the embedded database trusted every local connection; it now asks for the password in {}",
                layout.passwordFile());
    }

    static boolean trustsAnyone(String hbaRules) {
        return TRUST_RULE.matcher(hbaRules).find();
    }

    /** Writes a file only its owner can read, replacing the old one in one step: a crash leaves the old or the new, whole. */
    private static void writePrivately(Path file, String content) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(next);
        Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}

package dev.custodian.backup;

import dev.custodian.db.DatabaseErrors;
import dev.custodian.db.SqlNames;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;

/**
 * Reads backup files: the manifest alone (cheap: only the first gzip member is inflated), or
 * the whole content streamed into tables with COPY while its length, section boundaries and
 * SHA-256 are checked against the manifest. Every way a file can be damaged ends in an
 * {@link InvalidBackupException} that says which. Thread-safe (stateless).
 */
final class BackupReader {
    private static final int MAX_MANIFEST_BYTES = 1 << 20;
    private static final int BUFFER = 1 << 16;
    private static final String CONNECTION_CLASS = "08";

    private BackupReader() {
    }

    /** Rows loaded per table. */
    record Loaded(Map<BackedUpTable, Long> rows) {
    }

    /** The database refused a section's rows, although the file is intact: a constraint, a type. */
    static final class RowsRefused extends RuntimeException {
        RowsRefused(BackedUpTable table, SQLException cause) {
            super("the database refused its " + table.tableName() + " rows: " + serverMessage(cause), cause);
        }
    }

    static Manifest manifest(String id, Path file) {
        try (InputStream in = open(file)) {
            return parse(id, in);
        } catch (IOException e) {
            throw invalid(id, e);
        }
    }

    /**
     * Checks the sections against the columns the live tables have: every table known, every
     * column present, the keys included. Reading a file never builds SQL from names it did not
     * find in the catalog.
     */
    static void checkColumns(String id, Manifest manifest, Connection connection) throws SQLException {
        if (manifest.section(BackedUpTable.USERS.tableName()).isEmpty()) {
            throw new InvalidBackupException(id, "it has no users section");
        }
        var seen = new HashSet<String>();
        for (Section section : manifest.sections()) {
            BackedUpTable table = BackedUpTable.named(section.table()).orElseThrow(() ->
                    new InvalidBackupException(id, "it has a section for an unknown table '" + section.table() + "'"));
            if (!seen.add(section.table())) {
                throw new InvalidBackupException(id, "it has two sections for " + section.table());
            }
            List<String> live = Catalog.columns(connection, section.table());
            if (live.isEmpty()) {
                throw new InvalidBackupException(id, "it holds " + section.table() + ", which this database does not have");
            }
            for (String column : section.columns()) {
                if (!live.contains(column)) {
                    throw new InvalidBackupException(id, "its " + section.table() + " rows have a column '" + column
                            + "' that this database's table does not have");
                }
            }
            if (!section.columns().containsAll(table.required())
                    || new HashSet<>(section.columns()).size() != section.columns().size()) {
                throw new InvalidBackupException(id, "its " + section.table() + " columns must include " + table.required()
                        + " once each; they are " + section.columns());
            }
        }
    }

    /**
     * Streams every section into the table {@code target} names (already quoted), then checks
     * that the content ends where the manifest says and has its SHA-256. Throws
     * {@link InvalidBackupException} for a damaged file and {@link RowsRefused} when the file
     * is intact but the database would not take its rows.
     */
    static Loaded load(String id, Path file, Manifest manifest, Connection connection,
                       Function<BackedUpTable, String> target) throws SQLException {
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        var rows = new EnumMap<BackedUpTable, Long>(BackedUpTable.class);
        try (InputStream in = open(file)) {
            parse(id, in);
            var content = new DigestingInputStream(in);
            for (Section section : manifest.sections()) {
                BackedUpTable table = BackedUpTable.named(section.table()).orElseThrow();
                String columns = section.columns().stream().map(SqlNames::identifier).collect(Collectors.joining(", "));
                String sql = "COPY " + target.apply(table) + " (" + columns + ") FROM STDIN";
                try {
                    rows.put(table, copy.copyIn(sql, content.section(section.bytes()), BUFFER));
                } catch (SQLException refused) {
                    if (refused.getSQLState() != null && refused.getSQLState().startsWith(CONNECTION_CLASS)) {
                        throw DatabaseErrors.translate(refused);
                    }
                    drainAndCheck(id, manifest, content);
                    throw new RowsRefused(table, refused);
                }
                expectTerminator(id, section, content);
            }
            if (content.read() >= 0) {
                throw new InvalidBackupException(id, "it has data after its last section (" + manifest.contentBytes()
                        + " bytes of content expected)");
            }
            checkDigest(id, manifest, content);
            return new Loaded(rows);
        } catch (IOException e) {
            throw invalid(id, e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    private static Manifest parse(String id, InputStream in) throws IOException {
        var line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new InvalidBackupException(id, "the file is truncated: it ends inside its manifest line");
            }
            if (line.size() >= MAX_MANIFEST_BYTES) {
                throw new InvalidBackupException(id, "its first line is longer than a manifest can be, so this is not a"
                        + " Custodian backup");
            }
            line.write(b);
        }
        try {
            return Manifest.parse(line.toString(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new InvalidBackupException(id, e.getMessage());
        }
    }

    private static void expectTerminator(String id, Section section, InputStream content) throws IOException {
        byte[] end = content.readNBytes(BackupWriter.TERMINATOR.length);
        if (!Arrays.equals(end, BackupWriter.TERMINATOR)) {
            throw new InvalidBackupException(id, end.length < BackupWriter.TERMINATOR.length
                    ? "the file is truncated: it ends inside its " + section.table() + " section"
                    : "its " + section.table() + " section is not " + section.bytes() + " bytes long as the manifest says");
        }
    }

    /** After a refused COPY: tells a damaged file (reported as such) from rows the database rejects. */
    private static void drainAndCheck(String id, Manifest manifest, DigestingInputStream content) throws IOException {
        content.transferTo(OutputStream.nullOutputStream());
        checkDigest(id, manifest, content);
    }

    private static void checkDigest(String id, Manifest manifest, DigestingInputStream content) {
        if (content.count() != manifest.contentBytes()) {
            throw new InvalidBackupException(id, "its content is " + content.count() + " bytes, not "
                    + manifest.contentBytes() + " as the manifest says");
        }
        String actual = content.sha256();
        if (!actual.equals(manifest.sha256())) {
            throw new InvalidBackupException(id, "its content does not match the manifest's SHA-256 (the file is"
                    + " corrupted): expected " + manifest.sha256() + ", got " + actual);
        }
    }

    private static RuntimeException invalid(String id, IOException e) {
        if (e instanceof EOFException) {
            return new InvalidBackupException(id, "the file is truncated: it ends in the middle of the backup");
        }
        if (e instanceof ZipException && String.valueOf(e.getMessage()).contains("Not in GZIP format")) {
            return new InvalidBackupException(id, "it is not a gzip file, so not a Custodian backup");
        }
        if (e instanceof ZipException) {
            return new InvalidBackupException(id, "the file is corrupted: its compressed data is damaged ("
                    + e.getMessage() + ")");
        }
        return new UncheckedIOException("could not read backup " + id, e);
    }

    private static String serverMessage(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            var server = p.getServerErrorMessage();
            return server.getMessage() + " (SQLSTATE " + server.getSQLState()
                    + (server.getWhere() == null ? "" : ", " + server.getWhere()) + ")";
        }
        return "SQLSTATE " + e.getSQLState();
    }
}

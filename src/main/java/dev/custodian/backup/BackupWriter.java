package dev.custodian.backup;

import dev.custodian.db.SqlNames;
import dev.custodian.db.Transactions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes one backup file from one REPEATABLE READ snapshot, so the users and their history
 * are consistent with each other while writes go on. The content (COPY text of each table)
 * streams through SHA-256 and gzip into a temporary file; then the manifest, which needs the
 * checksum, is compressed as the file's first gzip member and the content appended as the
 * second, the file synced and published under its id. Thread-safe (stateless between calls).
 */
final class BackupWriter {
    /** Ends every section, as in psql's COPY FROM STDIN; a data row cannot be this line. */
    static final byte[] TERMINATOR = "\\.\n".getBytes(StandardCharsets.US_ASCII);
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    // Level 1: most of gzip's size reduction on COPY text at a fraction of the default level's CPU.
    private static final int LEVEL = Deflater.BEST_SPEED;
    private static final int BUFFER = 1 << 16;
    private static final String NOW = "SELECT now() AS now";

    private final Transactions transactions;
    private final BackupFiles files;

    BackupWriter(Transactions transactions, BackupFiles files) {
        this.transactions = transactions;
        this.files = files;
    }

    /** A published backup: its id and manifest. */
    record Written(String id, Manifest manifest) {
    }

    /** What the snapshot gave: everything of the manifest but the content's checksum and length. */
    private record Dump(Instant createdAt, String schemaVersion, String server, List<Section> sections,
                        String sha256, long contentBytes) {
    }

    Written write(BackupKind kind) {
        Path body = null;
        Path complete = null;
        try {
            body = files.newTemporary("content");
            Path content = body;
            Dump dump = transactions.snapshot(connection -> dump(connection, content));
            Manifest manifest = new Manifest(kind, TIME.format(dump.createdAt()), dump.schemaVersion(), dump.server(),
                    dump.sha256(), dump.contentBytes(), dump.sections());
            complete = files.newTemporary("backup");
            assemble(manifest, body, complete);
            String id = files.publish(complete, BackupFiles.idFor(dump.createdAt(), kind));
            return new Written(id, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a backup to " + files.directory(), e);
        } finally {
            deleteQuietly(body);
            deleteQuietly(complete);
        }
    }

    /** Rows per table in one snapshot, for a dry run of create. */
    List<Section> preview() {
        return transactions.snapshot(connection -> {
            var sections = new ArrayList<Section>();
            for (BackedUpTable table : BackedUpTable.values()) {
                List<String> columns = Catalog.columns(connection, table.tableName());
                if (!columns.isEmpty()) {
                    sections.add(new Section(table.tableName(), columns, count(connection, table), 0, ""));
                }
            }
            return sections;
        });
    }

    private static Dump dump(Connection connection, Path body) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(TableChecksums.SESSION);
        }
        Instant createdAt = now(connection);
        var sections = new ArrayList<Section>();
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        try (var file = Files.newOutputStream(body);
             var gzip = gzip(file);
             var content = new DigestingOutputStream(gzip);
             var buffered = new BufferedOutputStream(content, BUFFER)) {
            for (BackedUpTable table : BackedUpTable.values()) {
                List<String> columns = Catalog.columns(connection, table.tableName());
                if (columns.isEmpty() && table == BackedUpTable.USERS) {
                    throw new IllegalStateException("the database has no users table; is it migrated?");
                }
                if (!columns.isEmpty()) {
                    sections.add(section(connection, copy, table, columns, buffered, content));
                }
            }
            buffered.flush();
            return new Dump(createdAt, Catalog.schemaVersion(connection), Catalog.server(connection), sections,
                    content.sha256(), content.count());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write backup content to " + body, e);
        }
    }

    private static Section section(Connection connection, CopyManager copy, BackedUpTable table, List<String> columns,
                                   BufferedOutputStream out, DigestingOutputStream content)
            throws SQLException, IOException {
        out.flush();
        long start = content.count();
        String list = columns.stream().map(SqlNames::identifier).collect(Collectors.joining(", "));
        long rows = copy.copyOut("COPY " + SqlNames.identifier(table.tableName()) + " (" + list + ") TO STDOUT", out);
        out.flush();
        long bytes = content.count() - start;
        out.write(TERMINATOR);
        TableChecksums.Sum sum = TableChecksums.of(connection, SqlNames.identifier(table.tableName()), columns);
        if (sum.rows() != rows) {
            throw new IllegalStateException("COPY of " + table.tableName() + " gave " + rows + " rows but the same snapshot"
                    + " counts " + sum.rows());
        }
        return new Section(table.tableName(), columns, rows, bytes, sum.checksum());
    }

    /** The file: a gzip member holding the manifest line, then the content's gzip member as written. */
    private static void assemble(Manifest manifest, Path body, Path complete) throws IOException {
        try (FileChannel out = FileChannel.open(complete, StandardOpenOption.WRITE);
             FileChannel in = FileChannel.open(body, StandardOpenOption.READ)) {
            var header = new GZIPOutputStream(Channels.newOutputStream(out));
            header.write((manifest.toJson().toString() + "\n").getBytes(StandardCharsets.UTF_8));
            header.finish();
            header.flush();
            long size = in.size();
            for (long position = 0; position < size; ) {
                position += in.transferTo(position, size - position, out);
            }
            out.force(true);
        }
    }

    private static GZIPOutputStream gzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, BUFFER) {
            {
                def.setLevel(LEVEL);
            }
        };
    }

    private static Instant now(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(NOW)) {
            rows.next();
            return rows.getObject("now", OffsetDateTime.class).toInstant();
        }
    }

    private static long count(Connection connection, BackedUpTable table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + SqlNames.identifier(table.tableName()))) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temporary file is hidden from listings and harmless
        }
    }
}

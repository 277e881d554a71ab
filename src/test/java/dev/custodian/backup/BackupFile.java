package dev.custodian.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.testing.TestSql;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** A backup file read the way docs/backup-format.md says anyone can: gunzip, first line, the rest. */
record BackupFile(JsonNode manifest, byte[] content) {

    static BackupFile read(Path file) {
        try (var in = new GZIPInputStream(Files.newInputStream(file))) {
            byte[] all = in.readAllBytes();
            int newline = indexOf(all, (byte) '\n');
            JsonNode manifest = TestSql.parse(new String(all, 0, newline, StandardCharsets.UTF_8));
            return new BackupFile(manifest, Arrays.copyOfRange(all, newline + 1, all.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String contentSha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String contentText() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** Writes this backup with a changed manifest, as one gzip stream. */
    void writeWith(Path file, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode copy = manifest.deepCopy();
        change.accept(copy);
        var bytes = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(bytes)) {
            out.write((copy.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.write(file, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isGzip(Path file) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            in.readAllBytes();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        throw new IllegalStateException("no newline in the backup");
    }
}

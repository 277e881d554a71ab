package dev.custodian.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The first line of a backup file: what the file holds and how to check it. Its JSON form is
 * part of the file format (docs/backup-format.md); {@link #toJson} writes it and {@link #parse}
 * reads it, refusing anything that is not format {@value #FORMAT_VERSION}. Immutable.
 *
 * @param kind          why the backup was taken
 * @param createdAt     the database's time when the snapshot was taken, RFC 3339 UTC
 * @param schemaVersion the latest Flyway migration installed in the database backed up
 * @param server        the PostgreSQL server version backed up, for the operator's information
 * @param sha256        SHA-256 of the content: every byte after the manifest line, uncompressed
 * @param contentBytes  length of that content
 * @param sections      the tables, in file order
 */
record Manifest(BackupKind kind, String createdAt, String schemaVersion, String server, String sha256,
                long contentBytes, List<Section> sections) {

    static final String FORMAT = "custodian-backup";
    static final int FORMAT_VERSION = 1;

    Manifest {
        sections = List.copyOf(sections);
    }

    Optional<Section> section(String table) {
        return sections.stream().filter(section -> section.table().equals(table)).findFirst();
    }

    long users() {
        return section(BackedUpTable.USERS.tableName()).map(Section::rows).orElse(0L);
    }

    long changes() {
        return section(BackedUpTable.USER_CHANGES.tableName()).map(Section::rows).orElse(0L);
    }

    /** Entries of the erasure register the file carries; 0 for a file written before it did. */
    long erasures() {
        return section(BackedUpTable.ERASURES.tableName()).map(Section::rows).orElse(0L);
    }

    ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("format", FORMAT);
        node.put("formatVersion", FORMAT_VERSION);
        node.put("kind", kind.label());
        node.put("createdAt", createdAt);
        node.put("schemaVersion", schemaVersion);
        node.put("server", server);
        node.put("users", users());
        node.put("changes", changes());
        node.put("erasures", erasures());
        node.put("contentBytes", contentBytes);
        node.put("sha256", sha256);
        ArrayNode list = node.putArray("sections");
        for (Section section : sections) {
            ObjectNode item = list.addObject();
            item.put("table", section.table());
            section.columns().forEach(item.putArray("columns")::add);
            item.put("rows", section.rows());
            item.put("bytes", section.bytes());
            item.put("checksum", section.checksum());
        }
        return node;
    }

    /** Reads a manifest line; the message of the exception says what is wrong with it. */
    static Manifest parse(String line) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("its first line is not a JSON manifest, so this is not a Custodian backup"
                    + " (or its start is damaged)");
        }
        if (node == null || !node.isObject() || !FORMAT.equals(node.path("format").asText())) {
            throw new IllegalArgumentException("its manifest does not say \"format\": \"" + FORMAT
                    + "\", so this is not a Custodian backup");
        }
        JsonNode version = node.get("formatVersion");
        if (version == null || !version.isInt() || version.asInt() != FORMAT_VERSION) {
            throw new IllegalArgumentException("it has format version " + version + "; this Custodian reads format version "
                    + FORMAT_VERSION + " only");
        }
        BackupKind kind;
        try {
            kind = BackupKind.parse(text(node, "kind"));
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("its manifest has an unknown kind '" + node.path("kind").asText() + "'");
        }
        var sections = new ArrayList<Section>();
        for (JsonNode item : array(node, "sections")) {
            sections.add(section(item));
        }
        return new Manifest(kind, text(node, "createdAt"), text(node, "schemaVersion"), text(node, "server"),
                text(node, "sha256"), number(node, "contentBytes"), sections);
    }

    private static Section section(JsonNode item) {
        var columns = new ArrayList<String>();
        for (JsonNode column : array(item, "columns")) {
            if (!column.isTextual()) {
                throw new IllegalArgumentException("its manifest lists a column that is not a name: " + column);
            }
            columns.add(column.asText());
        }
        return new Section(text(item, "table"), columns, number(item, "rows"), number(item, "bytes"), text(item, "checksum"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("its manifest lacks the text field '" + field + "'");
        }
        return value.asText();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
            throw new IllegalArgumentException("its manifest lacks the count '" + field + "'");
        }
        return value.asLong();
    }

    private static JsonNode array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("its manifest lacks the list '" + field + "'");
        }
        return value;
    }
}

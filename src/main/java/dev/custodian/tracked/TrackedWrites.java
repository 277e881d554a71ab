package dev.custodian.tracked;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.http.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * The one place that writes tracked rows. Each write is one transaction that declares its
 * context (actor, request id, operation, what the request names for removal) once; the
 * database's triggers then keep the version, refuse what would lose data the request did not
 * name, and record the change. A merge patch is one statement; anything that needs the current
 * state first locks the row, asks its {@link Change} for the target state and writes that. A dry
 * run is the same write in a transaction that is rolled back, reporting what history recorded.
 * Erasure, the one deliberate destruction, goes through here too ({@link #erase}), and every way
 * back (revert, rollback) refuses an erased row. Thread-safe.
 */
public final class TrackedWrites {
    /** Rows one statement of {@link #writeAll} writes at most: a few seconds' work at the slowest measured. */
    public static final int BATCH = 1000;

    private final Transactions transactions;
    private final TrackedTable table;
    private final RowStatements sql;
    private final ErasureRegister register;

    public TrackedWrites(Transactions transactions, TrackedTable table) {
        this.transactions = transactions;
        this.table = table;
        this.sql = new RowStatements(table);
        this.register = new ErasureRegister(table);
    }

    /**
     * The state a write makes current, computed from the locked row (reading more, such as
     * history, on the same connection if it needs to); a JSON null removes the row.
     */
    @FunctionalInterface
    public interface Change {
        JsonNode target(Row current, Connection connection) throws SQLException;
    }

    /** Inserts a new row with a key the database chooses; {@code state} holds every column. */
    public Written create(WriteRequest request, ObjectNode state) {
        return run(request, connection -> {
            Result created = single(connection, sql.create, statement -> statement.setString(1, Json.write(state)))
                    .orElseThrow();
            return written(connection, request, null, 0, created);
        });
    }

    /**
     * Applies an RFC 7396 merge patch of the state (columns named in it replaced, documents
     * merged) in one statement, under the row lock the UPDATE takes; the patch's null members
     * must be named in the request. Refused when the row is missing, deleted, or not at If-Match.
     */
    public Written merge(WriteRequest request, String key, ObjectNode patch) {
        WriteContext context = request.declared();
        if (request.dryRun()) {
            return transactions.rehearse(context, connection -> {
                Row current = lockLive(connection, key, request.ifMatch());
                return written(connection, request, current, mergeStatement(connection, context, key, patch, OptionalLong.empty()));
            });
        }
        return transactions.autocommit(connection -> {
            Result merged = mergeStatement(connection, context, key, patch, request.ifMatch());
            return new Written(key, merged.version(), null, merged.json(), null);
        });
    }

    /** Locks the live row, checks If-Match, and writes the state {@code change} computes from it. */
    public Written change(WriteRequest request, String key, Change change) {
        return run(request, connection -> {
            Row current = lockLive(connection, key, request.ifMatch());
            return written(connection, request, current, write(connection, current, change.target(current, connection)));
        });
    }

    /**
     * Locks the row, whether live, deleted or gone (a key history knows), checks If-Match, and
     * writes the state {@code change} computes from it: the way back for reverts and rollbacks.
     */
    public Written restoreState(WriteRequest request, String key, Change change) {
        return run(request, connection -> {
            Row current = lockAny(connection, key);
            // History of an erased row holds no values: there is no way back to bring. Checked
            // before whether the key is known: a database that took the erasure over from a
            // restored backup's register may hold no history of the row, and it was still erased.
            register.refuseIfErased(connection, key);
            if (!current.known()) {
                throw new RowNotFoundException(table, key);
            }
            checkVersion(key, request.ifMatch(), current.version());
            Result result = write(connection, current, change.target(current, connection));
            return written(connection, request, current, result);
        });
    }

    /**
     * Erases a row for good, in one transaction: deletes the row (recorded by the triggers as op
     * {@code erase}; a key whose row is already gone gets an {@code erase} entry of its own),
     * enters the erasure in the register with its reason, then takes the values out of every
     * history entry of the key, which the database allows only for a registered key. A dry run
     * does all of it in a transaction that is rolled back. Refused for a key history never knew
     * (404) and for one already erased (410).
     */
    public Erasure erase(WriteRequest request, String key, String reason) {
        WriteRequest erasing = request.withOp("erase");
        return run(erasing, connection -> {
            register.serialize(connection, key);
            Row current = lockAny(connection, key);
            if (!current.known()) {
                throw new RowNotFoundException(table, key);
            }
            register.refuseIfErased(connection, key);
            if (current.exists()) {
                write(connection, current, NullNode.instance);
            } else {
                register.recordMarker(connection, key, current.version() + 1);
            }
            ErasureRegister.HistoryExtent history = register.historyExtent(connection, key);
            ErasureRegister.Entry entry = register.record(connection, key, reason, history.entries());
            long erased = register.eraseHistory(connection, key);
            if (erased != history.entries()) {
                throw new IllegalStateException("expected to erase " + history.entries() + " history entries of "
                        + table.noun() + " " + key + ", erased " + erased);
            }
            return new Erasure(key, request.dryRun(), current.exists() ? 1 : 0, erased, history.firstAt(),
                    request.dryRun() ? new ErasureRegister.Entry(0, entry.at(), entry.actor(), entry.requestId()) : entry);
        });
    }

    /**
     * Carries out, within the caller's transaction, an erasure the register holds already but this
     * database has not done: one a restored backup brought from the database it was taken in. What
     * this database still has of the key goes as in {@link #erase}: the row is deleted (history op
     * {@code erase}) and every history entry loses its values. Nothing is registered again.
     * Returns how many history entries lost their values (0 when the database knew nothing of the key).
     */
    public long eraseRegistered(Connection connection, WriteContext context, String key) throws SQLException {
        Row current = lockAny(connection, key);
        if (!current.known()) {
            return 0;
        }
        Transactions.declare(connection, context.withOp("erase").allowingRows(0));
        try {
            if (current.exists()) {
                write(connection, current, NullNode.instance);
            } else {
                register.recordMarker(connection, key, current.version() + 1);
            }
            return register.eraseHistory(connection, key);
        } finally {
            Transactions.declare(connection, context);
        }
    }

    /** The row, locked, in whatever state it is; for a key without a row, its last recorded version (0 if none). */
    public Row lockAny(Connection connection, String key) throws SQLException {
        return row(connection, sql.lock, key);
    }

    /** The row as {@link #lockAny} finds it, without locking it: for a read. */
    public Row read(Connection connection, String key) throws SQLException {
        return row(connection, sql.read, key);
    }

    private Row row(Connection connection, String statementSql, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) {
                    JsonNode state = Json.parseTrusted(rows.getString("state"));
                    boolean deleted = table.softDelete() != null && state.path("deleted").asBoolean();
                    return new Row(key, rows.getLong("version"), state, deleted ? null : rows.getString("json"));
                }
            }
        }
        return Row.absent(key, lastVersion(connection, key));
    }

    private Row lockLive(Connection connection, String key, OptionalLong ifMatch) throws SQLException {
        Row current = lockAny(connection, key);
        if (!current.live()) {
            throw new RowNotFoundException(table, key);
        }
        checkVersion(key, ifMatch, current.version());
        return current;
    }

    private void checkVersion(String key, OptionalLong ifMatch, long current) {
        if (ifMatch.isPresent() && ifMatch.getAsLong() != current) {
            throw new VersionMismatchException(table, key, ifMatch.getAsLong(), current);
        }
    }

    /** The row's version and representation after a write within the caller's transaction. */
    record Result(String key, long version, String json, boolean deleted) {
    }

    private Result write(Connection connection, Row current, JsonNode target) throws SQLException {
        String template = target.isNull() ? sql.delete : current.exists() ? sql.update : sql.insertAgain;
        if (target.isNull() && !current.exists()) {
            return new Result(current.key(), current.version(), null, true);
        }
        Result result = single(connection, template.formatted(RowStatements.ONE_TARGET, sql.returning), statement -> {
            statement.setString(1, current.key());
            statement.setString(2, Json.write(target));
        }).orElseThrow();
        // Without a version column, the row's version is what its table's triggers just recorded.
        return table.versioned() ? result
                : new Result(result.key(), lastVersion(connection, current.key()), result.json(), result.deleted());
    }

    /**
     * Makes current the states a query yields as {@code (key text, state jsonb)} rows, within the
     * caller's transaction: rows that exist are updated, keys without a row are inserted again.
     * Writes in batches of at most {@link #BATCH} rows (the query is read in key order, a page per
     * batch, so it must yield the same rows while they are written), telling {@code written} after
     * each, so that no one statement runs long and a caller can report progress. Declares each
     * batch's exact count to the bulk guard, and fails if the statements touched any other number
     * of rows than {@code rows} in all. Each row is recorded by the triggers with the context's op.
     */
    public long writeAll(Connection connection, WriteContext context, String targets, long rows, LongConsumer written)
            throws SQLException {
        long touched = 0;
        for (long offset = 0; offset < rows; offset += BATCH) {
            long batch = Math.min(BATCH, rows - offset);
            Transactions.declare(connection, context.allowingRows(batch));
            String page = "SELECT * FROM (%s) targets ORDER BY 1 LIMIT %d OFFSET %d".formatted(targets, batch, offset);
            for (String template : new String[] {sql.update, sql.insertAgain}) {
                try (PreparedStatement statement = connection.prepareStatement(template.formatted(page, ""))) {
                    touched += statement.executeLargeUpdate();
                }
            }
            written.accept(batch);
        }
        if (touched != rows) {
            throw new IllegalStateException("expected to write " + rows + " " + table.name() + " rows, wrote " + touched);
        }
        return touched;
    }

    private Result mergeStatement(Connection connection, WriteContext context, String key, ObjectNode patch,
                                  OptionalLong ifMatch) throws SQLException {
        Optional<Result> merged = single(connection, sql.merge, statement -> {
            int parameter = 0;
            for (TrackedTable.Column column : table.columns()) {
                statement.setString(++parameter, member(patch, column));
            }
            statement.setString(++parameter, key);
            if (ifMatch.isPresent()) {
                statement.setLong(++parameter, ifMatch.getAsLong());
                statement.setLong(++parameter, ifMatch.getAsLong());
            } else {
                statement.setNull(++parameter, Types.BIGINT);
                statement.setNull(++parameter, Types.BIGINT);
            }
            statement.setString(++parameter, context.actor());
            statement.setString(++parameter, context.requestId());
            statement.setString(++parameter, context.allowRemoval() ? "on" : "off");
            statement.setString(++parameter, context.removingJson());
            statement.setArray(++parameter, connection.createArrayOf("text", dataKeys(patch)));
        });
        if (merged.isPresent()) {
            return merged.get();
        }
        throw missOf(connection, key, ifMatch);
    }

    /**
     * A column's member of the patch as the merge takes it, each by itself so the database parses
     * only what it merges: a document as JSON text (a JSON null too, which the table's rules
     * refuse), any other value as its text; null where the patch leaves the column as it is.
     */
    private static String member(ObjectNode patch, TrackedTable.Column column) {
        JsonNode value = patch.get(column.name());
        if (value == null || (value.isNull() && !column.document())) {
            return null;
        }
        return column.document() ? Json.write(value) : value.asText();
    }

    /**
     * The top-level keys of the patch's data, which the merge declares to the write trigger as
     * the only members it changes; none when data is absent or not an object (the trigger then
     * compares the whole document).
     */
    private static String[] dataKeys(ObjectNode patch) {
        JsonNode data = patch.get("data");
        if (data == null || !data.isObject()) {
            return new String[0];
        }
        List<String> keys = new ArrayList<>(data.size());
        data.fieldNames().forEachRemaining(keys::add);
        return keys.toArray(String[]::new);
    }

    /** After a conditional statement touched nothing: tells a missing row (404) from another version (412). */
    private RuntimeException missOf(Connection connection, String key, OptionalLong ifMatch) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.state)) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next() || rows.getBoolean("deleted")) {
                    return new RowNotFoundException(table, key);
                }
                return new VersionMismatchException(table, key, ifMatch.orElse(-1), rows.getLong("version"));
            }
        }
    }

    private long lastVersion(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.lastVersion)) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The outcome; for a dry run, with the changes history recorded in this transaction. */
    private Written written(Connection connection, WriteRequest request, Row current, Result result) throws SQLException {
        return written(connection, request, current.representation(), current.version(), result);
    }

    private Written written(Connection connection, WriteRequest request, String before, long previousVersion,
                            Result result) throws SQLException {
        String after = result.deleted() ? null : result.json();
        JsonNode changes = request.dryRun() && result.version() != previousVersion ? recordedChanges(connection, result) : null;
        return new Written(result.key(), result.version(), before, after, changes);
    }

    private JsonNode recordedChanges(Connection connection, Result result) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.changes)) {
            statement.setString(1, result.key());
            statement.setLong(2, result.version());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Json.parseTrusted(rows.getString(1)) : Json.MAPPER.createArrayNode();
            }
        }
    }

    private <T> T run(WriteRequest request, Transactions.Work<T> work) {
        return request.dryRun()
                ? transactions.rehearse(request.declared(), work)
                : transactions.write(request.declared(), work);
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private static Optional<Result> single(Connection connection, String statementSql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Result(rows.getString("key"), rows.getLong("version"), rows.getString("json"),
                        rows.getBoolean("deleted")));
            }
        }
    }
}

package dev.custodian.backup;

import dev.custodian.db.SqlNames;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.tracked.ErasureRegister;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.jobs.Progress;
import dev.custodian.jobs.ProgressListener;
import dev.custodian.tracked.TrackedWrites;
import dev.custodian.http.ApiException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Restores a backup, or one user of it, in one transaction: the file is loaded into temporary
 * staging tables and checked (SHA-256, row counts, SQL checksums) before anything changes;
 * then a safety backup is taken; then, under a lock that holds off other writers, users are
 * compared with the backup. Of those that differ, a full restore returns the ones changed
 * only outside the API since the backup and keeps the ones the API wrote, unless the request
 * names them ({@link RestoreRequest}); what happened to each is told by the history entries the
 * backup does not hold ({@link SinceBackup}). Returned users are written by the write pipeline,
 * through the triggers, with op {@code restore} and the guards' confirmations declared with
 * exact counts. History
 * entries missing from the live table are put back; existing ones are never changed. Users the
 * erasure register holds are taken out of the loaded backup first ({@link ErasedUsers}), so a
 * restore never brings an erased person back; a one-user restore of one is refused (410). Before
 * that, the register the file carries adds its entries to this database's ({@link CarriedRegister}).
 * Thread-safe (stateless between calls).
 */
final class Restorer {
    private static final String STAGE = "CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT %s FROM %s WITH NO DATA";
    private static final String ONE_USER = "WHERE id = ?";
    private static final String ONE_USERS_HISTORY = "WHERE user_id = ?";
    // Every user in the backup or the table, with what a restore would do to it; "since" is set
    // for those that differ from the backup, first to 'damaged', refined by CLASSIFY.
    private static final String PLAN = """
            CREATE TEMP TABLE restore_plan ON COMMIT DROP AS
            SELECT id, action, CASE WHEN action IN ('create', 'soft-delete', 'restore') THEN 'damaged' END AS since
              FROM (SELECT coalesce(b.id, u.id) AS id,
                           CASE WHEN u.id IS NULL THEN 'create'
                                WHEN b.id IS NULL AND u.deleted_at IS NULL THEN 'soft-delete'
                                WHEN b.id IS NULL THEN 'absent'
                                WHEN (b.name, b.email, b.data, b.deleted_at IS NULL)
                                     IS NOT DISTINCT FROM (u.name, u.email, u.data, u.deleted_at IS NULL) THEN 'unchanged'
                                ELSE 'restore' END AS action
                      FROM (SELECT id, name, email, data, deleted_at FROM restore_users %1$s) b
                      FULL JOIN (SELECT id, name, email, data, deleted_at FROM users %1$s) u ON u.id = b.id) compared
            """;
    // A differing user's changes since the backup are its history entries the backup does not hold
    // (%s: that condition; empty when the backup holds no history, so all of them). Any entry made
    // through the API makes it 'written', or 'conflict' when raw SQL changed it too. Users without
    // such entries stay 'damaged', also when their history since the backup is lost.
    private static final String CLASSIFY = """
            UPDATE restore_plan p
               SET since = CASE WHEN s.sql THEN 'conflict' ELSE 'written' END
              FROM (SELECT c.user_id, bool_or(c.source = 'sql') AS sql
                      FROM restore_plan d JOIN user_changes c ON c.user_id = d.id
                     WHERE d.since IS NOT NULL %s
                     GROUP BY c.user_id
                    HAVING bool_or(c.source = 'api')) s
             WHERE p.id = s.user_id
            """;
    private static final String NOT_IN_BACKUP = """
            AND NOT EXISTS (SELECT 1 FROM restore_user_changes b WHERE (%s) = (%s))""";
    // Parameters: keep, overwrite all, overwrite. A kept user's action is 'keep': no write touches it.
    private static final String CHOOSE = """
            UPDATE restore_plan SET action = 'keep'
             WHERE since IS NOT NULL
               AND (id = ANY (?) OR (since <> 'damaged' AND NOT ? AND id <> ALL (?)))
            """;
    // The smallest ids of each set, as many as UserIds.LISTED.
    private static final String SELECTION = """
            SELECT action = 'keep' AS kept, since, count(*) AS n, (array_agg(id ORDER BY id))[1:%d] AS ids
              FROM restore_plan WHERE since IS NOT NULL GROUP BY 1, 2
            """.formatted(UserIds.LISTED);
    private static final String UNKNOWN = """
            SELECT n.id FROM unnest(?::bigint[]) AS n(id)
             WHERE NOT EXISTS (SELECT 1 FROM restore_users b WHERE b.id = n.id)
               AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = n.id)
             ORDER BY n.id
            """;
    private static final String ACTIONS = """
            SELECT action, count(*) AS n FROM restore_plan GROUP BY action
            """;
    private static final String IN_BACKUP = """
            SELECT 1 FROM restore_users WHERE id = ?
            """;
    private static final String LOCK_ALL = """
            LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE
            """;
    private static final String LOCK_ONE = """
            SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE
            """;
    private static final String RESTORE_HISTORY = """
            INSERT INTO user_changes (%1$s) SELECT %1$s FROM restore_user_changes %2$s ON CONFLICT DO NOTHING
            """;
    // The states the restore makes current, as (key, state) rows for the write pipeline: a user
    // the backup does not hold is soft-deleted, the others take the backup's state.
    private static final String SOFT_DELETED_STATES = """
            SELECT p.id::text, custodian_history_state(u) || '{"deleted": true}'
              FROM restore_plan p JOIN users u ON u.id = p.id
             WHERE p.action = 'soft-delete'
            """;
    private static final String BACKED_UP_STATES = """
            SELECT p.id::text, jsonb_build_object('name', b.name, 'email', b.email, 'data', b.data,
                                                  'deleted', b.deleted_at IS NOT NULL)
              FROM restore_plan p JOIN restore_users b ON b.id = p.id
             WHERE p.action = '%s'
            """;
    // Re-created users keep their ids; the identity sequence must not hand those ids out again.
    private static final String ADVANCE_IDS = """
            SELECT setval(seq, greatest(coalesce(pg_sequence_last_value(seq), 1), (SELECT max(id) FROM users)))
              FROM (SELECT pg_get_serial_sequence('users', 'id')::regclass AS seq) s
             WHERE seq IS NOT NULL
            """;
    private static final String NOW = "SELECT now() AS now";
    // The planner's estimate of the table's rows: read from the catalog, so it neither scans nor
    // waits for a lock on users (a backup or another restore may hold one); -1 before any ANALYZE.
    private static final String USERS = "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'users'::regclass";

    private final Transactions transactions;
    private final TrackedWrites writes;
    private final ErasureRegister register = new ErasureRegister(TrackedTable.USERS);

    Restorer(Transactions transactions, TrackedWrites writes) {
        this.transactions = transactions;
        this.writes = writes;
    }

    RestoreReport restore(String id, Path file, WriteContext requester, RestoreRequest request,
                          Supplier<String> safetyBackup, ProgressListener progress) {
        Manifest manifest = BackupReader.manifest(id, file);
        WriteContext context = requester.withOp("restore").allowingRemoval();
        Transactions.Work<RestoreReport> work = connection -> {
            stage(id, file, manifest, connection);
            // The file's register joins this database's first, so an erasure done where the backup
            // was taken holds here too, now and for every later restore, revert and rollback.
            UserIds registered = CarriedRegister.adopt(connection, manifest,
                    staging(BackedUpTable.ERASURES.tableName()), context, writes);
            // Erased users leave the loaded backup before anything is compared: nothing of them comes back.
            UserIds erased = ErasedUsers.remove(connection, manifest, table -> staging(table.tableName()));
            if (request.userId() != null) {
                register.refuseIfErased(connection, Long.toString(request.userId()));
            }
            if (request.userId() != null && !exists(connection, IN_BACKUP, request.userId())) {
                throw ApiException.notFound("user " + request.userId() + " is not in backup '" + id + "'");
            }
            checkNamed(connection, id, request);
            String safety = request.dryRun() ? null : safetyBackup.get();
            return apply(connection, id, manifest, request, context, safety, erased, registered, progress);
        };
        return request.dryRun() ? transactions.rehearse(context, work) : transactions.write(context, work);
    }

    /**
     * How many users a restore compares with the backup and may write: one for a one-user
     * restore, else those of the backup or of the table (as PostgreSQL estimates them), whichever
     * are more.
     */
    long users(Manifest manifest, RestoreRequest request) {
        if (request.userId() != null) {
            return 1;
        }
        long live = transactions.autocommit(connection -> {
            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(USERS)) {
                rows.next();
                return rows.getLong(1);
            }
        });
        return Math.max(manifest.users(), live);
    }

    /** Refuses ids in overwrite or keep that name no user of the backup or the table: most likely a typo. */
    private static void checkNamed(Connection connection, String id, RestoreRequest request) throws SQLException {
        var errors = new ArrayList<ApiException.FieldError>();
        for (RestoreRequest.Named named : request.named()) {
            List<Long> unknown = unknown(connection, named.ids());
            if (!unknown.isEmpty()) {
                errors.add(new ApiException.FieldError(named.field(),
                        "users " + unknown + " are neither in backup '" + id + "' nor in the database"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
    }

    private static List<Long> unknown(Connection connection, Set<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement statement = connection.prepareStatement(UNKNOWN)) {
            statement.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            var unknown = new ArrayList<Long>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    unknown.add(rows.getLong("id"));
                }
            }
            return unknown;
        }
    }

    /** Loads the file into staging tables and proves it is the backup the manifest describes. */
    private static void stage(String id, Path file, Manifest manifest, Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(TableChecksums.SESSION);
        }
        String current = Catalog.schemaVersion(connection);
        try {
            if (Catalog.isNewer(manifest.schemaVersion(), current)) {
                throw new InvalidBackupException(id, Verifier.newerSchema(manifest, current));
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidBackupException(id, e.getMessage());
        }
        BackupReader.checkColumns(id, manifest, connection);
        try (Statement statement = connection.createStatement()) {
            for (Section section : manifest.sections()) {
                statement.execute(STAGE.formatted(staging(section.table()), columnList(section.columns()),
                        SqlNames.identifier(section.table())));
            }
        }
        try {
            BackupReader.load(id, file, manifest, connection, table -> staging(table.tableName()));
        } catch (BackupReader.RowsRefused e) {
            throw new InvalidBackupException(id, e.getMessage());
        }
        try (Statement statement = connection.createStatement()) {
            for (Section section : manifest.sections()) {
                statement.execute("ANALYZE " + staging(section.table()));
                checkSum(id, connection, section);
            }
        }
    }

    private static void checkSum(String id, Connection connection, Section section) throws SQLException {
        TableChecksums.Sum sum = TableChecksums.of(connection, staging(section.table()), section.columns());
        if (sum.rows() != section.rows() || !sum.checksum().equals(section.checksum())) {
            throw new InvalidBackupException(id, "its " + section.table() + " rows (" + sum.rows() + ", checksum "
                    + sum.checksum() + ") do not match the manifest (" + section.rows() + ", " + section.checksum() + ")");
        }
    }

    private RestoreReport apply(Connection connection, String id, Manifest manifest, RestoreRequest request,
                                WriteContext context, String safety, UserIds erased, UserIds registered,
                                ProgressListener progress)
            throws SQLException {
        Long user = request.userId();
        if (user == null) {
            execute(connection, LOCK_ALL, List.of());
        } else {
            execute(connection, LOCK_ONE, List.of(user));
        }
        plan(connection, manifest, request);
        Map<String, Long> actions = actions(connection);
        Selection selection = selection(connection);
        long history = restoreHistory(connection, manifest, user);
        long writing = actions.getOrDefault("soft-delete", 0L) + actions.getOrDefault("restore", 0L)
                + actions.getOrDefault("create", 0L);
        Progress[] done = {new Progress(writing, 0, 0, selection.keptCount())};
        progress.update(done[0]);
        LongConsumer written = users -> {
            done[0] = done[0].plus(users, 0, 0);
            progress.update(done[0]);
        };
        long softDeleted = writes.writeAll(connection, context, SOFT_DELETED_STATES, actions.getOrDefault("soft-delete", 0L),
                written);
        long restored = writes.writeAll(connection, context, BACKED_UP_STATES.formatted("restore"),
                actions.getOrDefault("restore", 0L), written);
        long created = writes.writeAll(connection, context, BACKED_UP_STATES.formatted("create"),
                actions.getOrDefault("create", 0L), written);
        if (created > 0 && !request.dryRun()) {
            // setval is not transactional: a dry run must not move the sequence
            execute(connection, ADVANCE_IDS, List.of());
        }
        return new RestoreReport(request.dryRun(), id, user, safety, restored, created, softDeleted,
                actions.getOrDefault("unchanged", 0L), history, selection.returned(), selection.kept(), erased, registered,
                context.actor(),
                context.requestId(), now(connection));
    }

    /**
     * Builds restore_plan: what to do to each user, what happened to it since the backup, and
     * {@code keep} for the users the restore leaves as they are. The named user of a one-user
     * restore is always returned: the request names it.
     */
    private static void plan(Connection connection, Manifest manifest, RestoreRequest request) throws SQLException {
        Long user = request.userId();
        execute(connection, PLAN.formatted(user == null ? "" : ONE_USER), user == null ? List.of() : List.of(user, user));
        execute(connection, "ANALYZE restore_plan", List.of());
        execute(connection, CLASSIFY.formatted(sinceBackup(manifest)), List.of());
        try (PreparedStatement statement = connection.prepareStatement(CHOOSE)) {
            statement.setArray(1, connection.createArrayOf("bigint", request.keep().toArray()));
            statement.setBoolean(2, request.overwriteAll() || user != null);
            statement.setArray(3, connection.createArrayOf("bigint", request.overwrite().toArray()));
            statement.execute();
        }
    }

    /** The condition that a live history entry {@code c} is not in the backup; empty when the backup holds no history. */
    private static String sinceBackup(Manifest manifest) {
        return manifest.section(BackedUpTable.USER_CHANGES.tableName())
                .map(section -> {
                    // An entry is the same one when its key and its time match; a backup without
                    // the time column is matched on the key alone.
                    List<String> key = section.columns().contains("at")
                            ? List.of("user_id", "version", "at") : List.of("user_id", "version");
                    return NOT_IN_BACKUP.formatted(prefixed("b.", key), prefixed("c.", key));
                })
                .orElse("");
    }

    private static String prefixed(String alias, List<String> columns) {
        return columns.stream().map(column -> alias + column).collect(Collectors.joining(", "));
    }

    /** Users that differ from the backup, returned or kept, by what happened to them since. */
    private record Selection(Map<SinceBackup, UserIds> returned, Map<SinceBackup, UserIds> kept) {
        long keptCount() {
            return UserIds.total(kept);
        }
    }

    private static Selection selection(Connection connection) throws SQLException {
        var returned = new EnumMap<SinceBackup, UserIds>(SinceBackup.class);
        var kept = new EnumMap<SinceBackup, UserIds>(SinceBackup.class);
        try (PreparedStatement statement = connection.prepareStatement(SELECTION);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                List<Long> ids = List.of((Long[]) rows.getArray("ids").getArray());
                SinceBackup since = SinceBackup.valueOf(rows.getString("since").toUpperCase(Locale.ROOT));
                (rows.getBoolean("kept") ? kept : returned).put(since, new UserIds(rows.getLong("n"), ids));
            }
        }
        return new Selection(returned, kept);
    }

    private static long restoreHistory(Connection connection, Manifest manifest, Long user) throws SQLException {
        var section = manifest.section(BackedUpTable.USER_CHANGES.tableName());
        if (section.isEmpty()) {
            return 0;
        }
        String sql = RESTORE_HISTORY.formatted(columnList(section.get().columns()), user == null ? "" : ONE_USERS_HISTORY);
        return execute(connection, sql, user == null ? List.of() : List.of(user));
    }

    private static Map<String, Long> actions(Connection connection) throws SQLException {
        var counts = new HashMap<String, Long>();
        try (PreparedStatement statement = connection.prepareStatement(ACTIONS); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                counts.put(rows.getString("action"), rows.getLong("n"));
            }
        }
        return counts;
    }

    private static long execute(Connection connection, String sql, List<Long> parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setLong(i + 1, parameters.get(i));
            }
            return statement.execute() ? 0 : statement.getLargeUpdateCount();
        }
    }

    private static boolean exists(Connection connection, String sql, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static String now(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(NOW)) {
            rows.next();
            return BackupWriter.TIME.format(rows.getObject("now", OffsetDateTime.class).toInstant());
        }
    }

    private static String staging(String table) {
        return SqlNames.identifier("restore_" + table);
    }

    private static String columnList(List<String> columns) {
        return columns.stream().map(SqlNames::identifier).collect(Collectors.joining(", "));
    }
}

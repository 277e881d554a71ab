package dev.custodian.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.db.AdvisoryLock;
import dev.custodian.db.Transactions;
import dev.custodian.http.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code jobs} table: a job's row from its start to its end, and its representation for
 * {@code GET /admin/jobs/{id}}. Every call is one autocommit statement, so progress is visible
 * to every instance at once, also while the job's own transaction (a restore's) is open.
 * Thread-safe (stateless).
 */
final class JobStore {
    /** The advisory lock a rollback or restore holds while it runs, on whichever instance. */
    static final String LOCK = "jobs";
    private static final String INSERT = """
            INSERT INTO jobs (id, kind, status, actor, request_id, request, users_total)
            VALUES (?, ?, 'running', ?, ?, ?::jsonb, ?)
            """;
    private static final String PROGRESS = """
            UPDATE jobs SET users_total = ?, users_done = ?, changes_undone = ?, conflicts = ?, updated_at = now()
             WHERE id = ? AND status = 'running'
            """;
    private static final String FINISH = """
            UPDATE jobs SET status = ?, users_total = ?, users_done = ?, changes_undone = ?, conflicts = ?,
                            report = ?::jsonb, problem = ?::jsonb, updated_at = now(), finished_at = now()
             WHERE id = ?
            """;
    // Called by the holder of the job lock: no other job runs, so a 'running' row is left over
    // from an instance that stopped while it ran.
    private static final String INTERRUPT_LEFT_OVER = """
            UPDATE jobs SET status = 'interrupted', updated_at = now(), finished_at = now() WHERE status = 'running'
            """;
    // A row still 'running' while no session holds the job lock was left by a stopped instance.
    private static final String SELECT = """
            SELECT id, kind, CASE WHEN status = 'running' AND NOT %s THEN 'interrupted' ELSE status END AS status,
                   actor, request_id, request::text, users_total, users_done, changes_undone, conflicts,
                   report::text, problem::text, started_at, updated_at, finished_at
              FROM jobs
            """.formatted(AdvisoryLock.heldCondition(LOCK));
    private static final String BY_ID = SELECT + " WHERE id = ?";
    private static final String RUNNING = SELECT + " WHERE status = 'running' ORDER BY started_at DESC LIMIT 1";

    private final Transactions transactions;

    JobStore(Transactions transactions) {
        this.transactions = transactions;
    }

    void start(UUID id, JobRequest request) {
        transactions.autocommit(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
                statement.setObject(1, id);
                statement.setString(2, request.kind().label());
                statement.setString(3, request.actor());
                statement.setString(4, request.requestId());
                statement.setString(5, Json.write(request.request()));
                statement.setLong(6, request.users());
                return statement.executeUpdate();
            }
        });
    }

    void progress(UUID id, Progress progress) {
        transactions.autocommit(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(PROGRESS)) {
                bindProgress(statement, 1, progress);
                statement.setObject(5, id);
                return statement.executeUpdate();
            }
        });
    }

    /** Ends the job: succeeded with its report, or failed with the problem that stopped it. */
    void finish(UUID id, Progress progress, JsonNode report, JsonNode problem) {
        transactions.autocommit(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(FINISH)) {
                statement.setString(1, problem == null ? "succeeded" : "failed");
                bindProgress(statement, 2, progress);
                statement.setString(6, report == null ? null : Json.write(report));
                statement.setString(7, problem == null ? null : Json.write(problem));
                statement.setObject(8, id);
                return statement.executeUpdate();
            }
        });
    }

    void interruptLeftOver() {
        transactions.autocommit(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(INTERRUPT_LEFT_OVER)) {
                return statement.executeUpdate();
            }
        });
    }

    Optional<ObjectNode> find(UUID id) {
        return transactions.autocommit(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(BY_ID)) {
                statement.setObject(1, id);
                return first(statement);
            }
        });
    }

    /** The job running now, if its row says so. */
    Optional<ObjectNode> running() {
        return transactions.autocommit(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(RUNNING)) {
                return first(statement);
            }
        });
    }

    private static void bindProgress(PreparedStatement statement, int first, Progress progress) throws SQLException {
        statement.setLong(first, progress.usersTotal());
        statement.setLong(first + 1, progress.usersDone());
        statement.setLong(first + 2, progress.changesUndone());
        statement.setLong(first + 3, progress.conflicts());
    }

    private static Optional<ObjectNode> first(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(representation(rows)) : Optional.empty();
        }
    }

    /** The job as the API shows it. */
    private static ObjectNode representation(ResultSet row) throws SQLException {
        ObjectNode job = Json.MAPPER.createObjectNode();
        String id = row.getString("id");
        job.put("id", id);
        job.put("kind", row.getString("kind"));
        job.put("status", row.getString("status"));
        job.put("actor", row.getString("actor"));
        job.put("requestId", row.getString("request_id"));
        job.set("request", Json.parseTrusted(row.getString("request")));
        ObjectNode progress = job.putObject("progress");
        progress.put("usersTotal", row.getLong("users_total"));
        progress.put("usersDone", row.getLong("users_done"));
        progress.put("changesUndone", row.getLong("changes_undone"));
        progress.put("conflicts", row.getLong("conflicts"));
        job.set("report", json(row.getString("report")));
        job.set("problem", json(row.getString("problem")));
        job.put("startedAt", time(row, "started_at"));
        job.put("updatedAt", time(row, "updated_at"));
        job.put("finishedAt", time(row, "finished_at"));
        job.put("location", JobRoutes.location(UUID.fromString(id)));
        return job;
    }

    private static JsonNode json(String text) {
        return text == null ? Json.MAPPER.nullNode() : Json.parseTrusted(text);
    }

    private static String time(ResultSet row, String column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : DateTimeFormatter.ISO_INSTANT.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }
}

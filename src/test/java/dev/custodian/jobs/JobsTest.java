package dev.custodian.jobs;

import static dev.custodian.jobs.Incident.databaseNow;
import static dev.custodian.jobs.Incident.finished;
import static dev.custodian.jobs.Incident.recorded;
import static dev.custodian.jobs.Incident.rollBack;
import static dev.custodian.jobs.Incident.waitFor;
import static dev.custodian.jobs.Incident.window;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.jobs.Incident.Batch;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rollbacks and restores through more users than the threshold run as jobs: 202 with the job's
 * address, progress while they run, the final report at the end, one at a time per database.
 * Runs on its own database with a threshold of {@value #THRESHOLD} users.
 */
class JobsTest {
    private static final int THRESHOLD = 20;

    private static DataSource database;
    private static TestServer server;

    @BeforeAll
    static void start() {
        database = TestDatabase.fresh();
        server = TestServer.start(database, settings -> settings.withJobThreshold(THRESHOLD));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void largeRollbackIsAJobThatReportsProgressAndItsFinalReport() throws Exception {
        Batch batch = Batch.create(database, 120);
        Instant from = databaseNow(database);
        batch.damage();
        Instant to = databaseNow(database);

        HttpResponse started = rollBack(server, window(from, to), null);

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String location = started.header("Location");
        assertThat(location).matches("/admin/jobs/[0-9a-f-]{36}");
        assertThat(started.json().get("kind").asText()).isEqualTo("rollback");
        assertThat(started.json().get("location").asText()).isEqualTo(location);
        assertThat(started.json().at("/progress/usersTotal").asLong()).isEqualTo(120);
        JsonNode job = finished(server, location);
        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(job.at("/progress/usersDone").asLong()).isEqualTo(120);
        assertThat(job.at("/progress/changesUndone").asLong()).isEqualTo(120);
        assertThat(job.at("/progress/conflicts").asLong()).isZero();
        assertThat(job.at("/report/usersAffected").asLong()).isEqualTo(120);
        assertThat(job.at("/report/changesUndone").asLong()).isEqualTo(120);
        assertThat(job.at("/report/failed")).isEmpty();
        assertThat(batch.original()).isEqualTo(120);
        assertThat(recorded(database, "rollback", job.get("requestId").asText())).isEqualTo(120);
    }

    @Test
    void smallRollbackAnswersWithItsReport() throws Exception {
        Batch batch = Batch.create(database, THRESHOLD);
        Instant from = databaseNow(database);
        batch.damage();

        HttpResponse answer = rollBack(server, window(from, databaseNow(database)), null);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("Location")).isNull();
        assertThat(answer.json().get("usersAffected").asLong()).isEqualTo(THRESHOLD);
        assertThat(answer.json().get("changesUndone").asLong()).isEqualTo(THRESHOLD);
        assertThat(batch.original()).isEqualTo(THRESHOLD);
        assertThat(recorded(database, "rollback", answer.header("X-Request-Id"))).isEqualTo(THRESHOLD);
    }

    @Test
    void clientMayAskForAJobWhateverTheSize() throws Exception {
        Batch batch = Batch.create(database, 3);
        Instant from = databaseNow(database);
        batch.damage();

        HttpResponse started = rollBack(server, window(from, databaseNow(database)), "respond-async");

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        JsonNode job = finished(server, started.header("Location"));
        assertThat(job.at("/report/usersAffected").asLong()).isEqualTo(3);
        assertThat(batch.original()).isEqualTo(3);
    }

    @Test
    void overlappingRollbackIsRefusedNamingTheRunningJobOnEveryInstance() throws Exception {
        Batch batch = Batch.create(database, 40);
        Instant from = databaseNow(database);
        batch.damage();
        String window = window(from, databaseNow(database));
        HttpResponse started;
        try (Connection holder = batch.lockFirstUser()) {
            started = rollBack(server, window, null);
            assertThat(started.status()).as(started.body()).isEqualTo(202);

            HttpResponse refused = rollBack(server, window, null);
            try (TestServer other = TestServer.start(database, settings -> settings.withJobThreshold(THRESHOLD))) {
                HttpResponse rollbackElsewhere = other.request("POST", "/admin/rollback").token(other.adminToken)
                        .json(window).send();
                assertRefusedFor(rollbackElsewhere, started.header("Location"));
            }
            assertRefusedFor(refused, started.header("Location"));
            holder.rollback();
        }
        JsonNode job = finished(server, started.header("Location"));
        assertThat(job.at("/report/usersAffected").asLong()).isEqualTo(40);
        assertThat(batch.original()).isEqualTo(40);
    }

    @Test
    void rollbackGoesOnWhenTheClientGoesAway() throws Exception {
        Batch batch = Batch.create(database, 5);
        Instant from = databaseNow(database);
        batch.damage();
        String requestId = "gone-" + UUID.randomUUID();
        try (Connection holder = batch.lockFirstUser()) {
            String body = window(from, databaseNow(database));
            try (Socket client = new Socket("127.0.0.1", Integer.parseInt(server.baseUrl().replaceAll(".*:", "")))) {
                OutputStream out = client.getOutputStream();
                out.write(("POST /admin/rollback HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + server.adminToken
                        + "\r\nContent-Type: application/json\r\nX-Request-Id: " + requestId + "\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                out.flush();
                waitFor(() -> jobStatus(requestId) != null);
            }
            holder.rollback();
        }
        waitFor(() -> "succeeded".equals(jobStatus(requestId)));
        assertThat(batch.original()).isEqualTo(5);
        assertThat(recorded(database, "rollback", requestId)).isEqualTo(5);
    }

    @Test
    void largeRestoreIsAJobThatWritesInBatches() throws Exception {
        int users = 2500;
        Batch batch = Batch.create(database, users);
        HttpResponse backup = server.request("POST", "/admin/backups").token(server.adminToken).send();
        assertThat(backup.status()).as(backup.body()).isEqualTo(201);
        long others = TestSql.count(database, "SELECT count(*) FROM users") - users;
        batch.damage();

        HttpResponse started = server.request("POST", "/admin/backups/" + backup.json().get("id").asText() + "/restore")
                .token(server.adminToken).json("{}").send();

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(started.json().get("kind").asText()).isEqualTo("restore");
        assertThat(started.json().at("/progress/usersTotal").asLong()).isGreaterThanOrEqualTo(users + others);
        JsonNode job = finished(server, started.header("Location"));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(job.at("/progress/usersTotal").asLong()).isEqualTo(users);
        assertThat(job.at("/progress/usersDone").asLong()).isEqualTo(users);
        assertThat(job.at("/report/restored").asLong()).isEqualTo(users);
        assertThat(job.at("/report/unchanged").asLong()).isEqualTo(others);
        assertThat(job.at("/report/safetyBackupId").asText()).isNotEmpty();
        assertThat(batch.original()).isEqualTo(users);
        assertThat(recorded(database, "restore", job.get("requestId").asText())).isEqualTo(users);
    }

    @Test
    void unknownJobIsNotFound() {
        HttpResponse missing = server.request("GET", "/admin/jobs/" + UUID.randomUUID()).token(server.adminToken).send();

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
    }

    private static void assertRefusedFor(HttpResponse refused, String location) {
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("job").asText()).isEqualTo(location);
        assertThat(refused.json().get("detail").asText()).contains(location.substring("/admin/jobs/".length()));
    }

    private static String jobStatus(String requestId) {
        Object status = TestSql.value(database, "SELECT status FROM jobs WHERE request_id = ?", requestId);
        return status == null ? null : status.toString();
    }
}

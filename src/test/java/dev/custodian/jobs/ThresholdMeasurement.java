package dev.custodian.jobs;

import static dev.custodian.jobs.Incident.databaseNow;
import static dev.custodian.jobs.Incident.finished;
import static dev.custodian.jobs.Incident.rollBack;
import static dev.custodian.jobs.Incident.window;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.jobs.Incident.Batch;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * How long rollbacks and restores take per user, to choose CUSTODIAN_JOB_THRESHOLD: not part of
 * the suite (its name does not end in Test); run it alone with
 * {@code mvn -B -q test -Dtest=ThresholdMeasurement -Dsurefire.failIfNoSpecifiedTests=false} and
 * read the MEASURE lines in target/surefire-reports/dev.custodian.jobs.ThresholdMeasurement-output.txt.
 */
class ThresholdMeasurement {
    private static final String SECONDS = "SELECT extract(epoch FROM finished_at - started_at) FROM jobs WHERE id = ?::uuid";

    @Test
    void measure() throws Exception {
        DataSource database = TestDatabase.fresh();
        try (TestServer server = TestServer.start(database, settings -> settings)) {
            for (int users : new int[] {500, 2000}) {
                Batch batch = Batch.create(database, users);
                var from = databaseNow(database);
                batch.damage();
                HttpResponse started = rollBack(server, window(from, databaseNow(database)), "respond-async");
                JsonNode job = finished(server, started.header("Location"));
                System.out.println("MEASURE rollback users=" + users + " seconds="
                        + TestSql.value(database, SECONDS, job.get("id").asText()) + " report=" + job.get("report"));
            }
            Batch batch = Batch.create(database, 20000);
            HttpResponse backup = server.request("POST", "/admin/backups").token(server.adminToken).send();
            batch.damage();
            HttpResponse started = server.request("POST", "/admin/backups/" + backup.json().get("id").asText() + "/restore")
                    .token(server.adminToken).header("Prefer", "respond-async").json("{}").send();
            JsonNode job = finished(server, started.header("Location"));
            System.out.println("MEASURE restore users=" + TestSql.count(database, "SELECT count(*) FROM users")
                    + " written=" + job.at("/report/restored") + " seconds="
                    + TestSql.value(database, SECONDS, job.get("id").asText()));
        }
    }
}

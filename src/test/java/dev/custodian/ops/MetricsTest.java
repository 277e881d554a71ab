package dev.custodian.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hawkular.agent.prometheus.types.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} as Prometheus scrapes it, read by a text-format parser: each request
 * moves the series of its route template and nothing else; refused writes count by problem
 * type; the pool, the JVM, the process and the backups are there. A server and database of its
 * own, so every count here is this class's.
 */
class MetricsTest {
    private static final String REQUESTS = "http_server_requests_seconds";
    private static final String WRITES = "custodian_writes_total";
    private static final String PROBLEMS = "custodian_problems_total";

    private static TestServer server;

    @BeforeAll
    static void start() {
        // No scheduled backups: the backup folder changes only when a test says so.
        server = TestServer.start(TestDatabase.fresh(),
                settings -> settings.withBackups(settings.backupDir(), Optional.empty(), settings.backupKeep()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aReadMovesTheHistogramOfItsRouteTemplateByOne() {
        long id = TestUsers.createIncidentUser(server);
        var read = Map.of("method", "GET", "route", "/users/{id}", "status", "200");
        var created = Map.of("method", "POST", "route", "/users", "status", "201");
        Scrape before = scrape();

        assertThat(server.get("/users/" + id).status()).isEqualTo(200);

        Scrape after = scrape();
        Histogram reads = after.histogram(REQUESTS, read).orElseThrow();
        assertThat(reads.getSampleCount()).isEqualTo(count(before, read) + 1);
        assertThat(reads.getSampleSum()).isGreaterThan(before.histogram(REQUESTS, read).map(Histogram::getSampleSum).orElse(0.0));
        assertThat(reads.getBuckets()).last().satisfies(bucket -> {
            assertThat(bucket.getUpperBound()).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(bucket.getCumulativeCount()).isEqualTo(reads.getSampleCount());
        });
        assertThat(count(after, created)).isEqualTo(count(before, created));
        assertThat(after.labelValues(REQUESTS, "route")).contains("/users/{id}", "/users", "/metrics")
                .noneMatch(route -> route.contains(Long.toString(id)));
    }

    @Test
    void pathsNoRouteMatchesShareOneLabel() {
        var unmatched = Map.of("method", "GET", "route", "unmatched", "status", "404");
        Scrape before = scrape();

        assertThat(server.get("/no-such-place/" + UUID.randomUUID()).status()).isEqualTo(404);

        Scrape after = scrape();
        assertThat(count(after, unmatched)).isEqualTo(count(before, unmatched) + 1);
        assertThat(after.labelValues(REQUESTS, "route")).noneMatch(route -> route.contains("no-such-place"));
        assertThat(after.value(PROBLEMS, Map.of("type", "not-found")))
                .isEqualTo(before.value(PROBLEMS, Map.of("type", "not-found")) + 1);
    }

    @Test
    void aWriteTheGuardRefusesCountsByProblemTypeAndChangesNothing() {
        long id = TestUsers.create(server, """
                {"name": "Ann", "email": "%s", "data": {"address": {"street": "1 Main St", "city": "Springfield"}}}
                """.formatted(TestUsers.uniqueEmail()));
        JsonNode stored = TestSql.user(server.dataSource(), id);
        var refused = Map.of("method", "PATCH", "route", "/users/{id}", "result", "data-loss-refused");
        var applied = Map.of("method", "PATCH", "route", "/users/{id}", "result", "ok");
        var dataLoss = Map.of("type", "data-loss-refused");
        Scrape before = scrape();

        HttpResponse response = server.mergePatch("/users/" + id, "{\"data\": {\"address\": \"gone\"}}");

        assertThat(response.status()).as(response.body()).isEqualTo(409);
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/data-loss-refused");
        Scrape after = scrape();
        assertThat(after.value(WRITES, refused)).isEqualTo(before.value(WRITES, refused) + 1);
        assertThat(after.value(PROBLEMS, dataLoss)).isEqualTo(before.value(PROBLEMS, dataLoss) + 1);
        assertThat(after.value(WRITES, applied)).isEqualTo(before.value(WRITES, applied));
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(stored);
    }

    @Test
    void anAppliedWriteCountsAsOk() {
        long id = TestUsers.createIncidentUser(server);
        var applied = Map.of("method", "PATCH", "route", "/users/{id}", "result", "ok");
        Scrape before = scrape();

        assertThat(server.mergePatch("/users/" + id, "{\"data\": {\"phone\": \"+14155550123\"}}").status()).isEqualTo(200);

        assertThat(scrape().value(WRITES, applied)).isEqualTo(before.value(WRITES, applied) + 1);
        assertThat(TestSql.user(server.dataSource(), id).at("/data/phone").asText()).isEqualTo("+14155550123");
    }

    @Test
    void theConnectionPoolIsMeasuredByHikarisOwnTracker() {
        var pool = Map.of("pool", ((HikariDataSource) server.dataSource()).getPoolName());

        Scrape scrape = scrape();

        // TestDatabase gives every test pool 20 connections.
        assertThat(scrape.value("hikaricp_connections_max", pool)).isEqualTo(20);
        for (String family : List.of("hikaricp_connections_active", "hikaricp_connections_idle",
                "hikaricp_connections_pending", "hikaricp_connections_timeout_total")) {
            assertThat(scrape.metrics(family, pool)).as(family).hasSize(1);
        }
    }

    @Test
    void jvmAndProcessMetricsAreServed() {
        Scrape scrape = scrape();

        // Generous bounds around this test JVM's resident memory: present and in bytes, not pages or KiB.
        assertThat(scrape.value("process_resident_memory_bytes", Map.of())).isBetween(20e6, 8e9);
        assertThat(scrape.metrics("jvm_memory_used_bytes", Map.of("area", "heap"))).isNotEmpty();
        assertThat(scrape.value("jvm_threads_live_threads", Map.of())).isGreaterThan(1);
        assertThat(scrape.family("process_cpu_usage")).isPresent();
    }

    @Test
    void metricsNeedTheReadRole() {
        HttpResponse anonymous = server.request("GET", "/metrics").token(null).send();

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).isEqualTo("application/problem+json");
        assertThat(server.request("GET", "/metrics").token(server.readToken).send().status()).isEqualTo(200);
    }

    @Test
    void backupAgeAndVerificationFollowTheBackupFolder() {
        Scrape none = scrape();
        assertThat(none.value("custodian_backup_age_seconds", Map.of())).isNaN();
        assertThat(none.value("custodian_backup_verified", Map.of())).isNaN();

        HttpResponse created = server.request("POST", "/admin/backups").token(server.adminToken).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Scrape taken = scrape();
        // Taken moments ago; a minute leaves room for a slow machine.
        assertThat(taken.value("custodian_backup_age_seconds", Map.of())).isBetween(0.0, 60.0);
        assertThat(taken.value("custodian_backup_verified", Map.of())).isNaN();

        String id = created.json().get("id").asText();
        HttpResponse verified = server.request("POST", "/admin/backups/" + id + "/verify").token(server.adminToken).send();
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(scrape().value("custodian_backup_verified", Map.of())).isEqualTo(1.0);
    }

    private static Scrape scrape() {
        HttpResponse response = server.request("GET", "/metrics").token(server.readToken).send();
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        return Scrape.parse(response.body());
    }

    private static long count(Scrape scrape, Map<String, String> labels) {
        return scrape.histogram(REQUESTS, labels).map(Histogram::getSampleCount).orElse(0L);
    }
}

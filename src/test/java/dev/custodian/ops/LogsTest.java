package dev.custodian.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.Version;
import dev.custodian.config.Settings;
import dev.custodian.testing.ServiceProcess;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log as an operator and a log shipper read it: {@code serve} in a process of its own, on
 * a fresh database, and what it writes to standard error.
 */
class LogsTest {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void eachRequestIsOneAccessLineWithItsRouteTemplateAndActorButNoSecrets() throws Exception {
        try (ServiceProcess service = serve(Map.of())) {
            String token = adminToken();
            String requestId = "trace-" + UUID.randomUUID();

            int status = get(service, "/users/424242?email=someone%40example.com", token, requestId);

            assertThat(status).isEqualTo(404);
            String line = service.awaitStderrLine("request=" + requestId, Duration.ofSeconds(10));
            assertThat(line).contains(" INFO ", "AccessLog - GET /users/{id} 404 ", " ms request=" + requestId,
                    "actor=token:admin").doesNotContain(token, "424242", "someone", "example.com");
            assertThat(service.stderr().lines().filter(each -> each.contains("request=" + requestId))).hasSize(1);
        }
    }

    @Test
    void theServerSaysWhereItListensOnceReady() throws Exception {
        try (ServiceProcess service = serve(Map.of())) {
            String line = service.awaitStderrLine("listening on", Duration.ofSeconds(10));

            assertThat(line).contains(" INFO ", "Custodian " + Version.current() + " listening on " + service.baseUrl());
            assertThat(service.stderr().lines().filter(each -> each.contains("listening on"))).hasSize(1);
        }
    }

    @Test
    void jsonFormatWritesEveryLineAsJsonWithTheAccessFieldsAsFields() throws Exception {
        try (ServiceProcess service = serve(Map.of(Settings.LOG_FORMAT, "json"))) {
            String requestId = "trace-" + UUID.randomUUID();

            get(service, "/users/424242", adminToken(), requestId);

            JsonNode access = TestSql.parse(service.awaitStderrLine(requestId, Duration.ofSeconds(10)));
            assertThat(access.get("logger_name").asText()).isEqualTo(AccessLog.class.getName());
            assertThat(access.get("level").asText()).isEqualTo("INFO");
            assertThat(access.get("method").asText()).isEqualTo("GET");
            assertThat(access.get("route").asText()).isEqualTo("/users/{id}");
            assertThat(access.get("status").isInt()).isTrue();
            assertThat(access.get("status").asInt()).isEqualTo(404);
            assertThat(access.get("durationMs").isNumber()).isTrue();
            assertThat(access.get("requestId").asText()).isEqualTo(requestId);
            assertThat(access.get("actor").asText()).isEqualTo("token:admin");
            var lines = service.stderr().lines().toList();
            assertThat(lines).isNotEmpty().allSatisfy(line ->
                    assertThat(TestSql.parse(line).has("@timestamp")).as(line).isTrue());
            assertThat(lines).anySatisfy(line -> assertThat(TestSql.parse(line).get("message").asText())
                    .endsWith("listening on " + service.baseUrl()));
        }
    }

    @Test
    void anUnknownLogFormatStopsTheStartNamingTheSetting() throws Exception {
        var run = ServiceProcess.run(dataDir, Map.of(Settings.LOG_FORMAT, "yaml", Settings.DATABASE_URL,
                TestDatabase.urlWithCredentials(TestDatabase.fresh())), "serve", "--port", "0");

        assertThat(run.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(run.stderr().strip()).isEqualTo("custodian: CUSTODIAN_LOG_FORMAT must be one of text, json, got 'yaml'");
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void versionPrintsTheVersionMavenBuilt() throws Exception {
        var run = ServiceProcess.run(dataDir, Map.of(), "--version");

        assertThat(run.awaitExit(Duration.ofSeconds(60))).isZero();
        assertThat(run.stdout().strip()).isEqualTo("custodian " + Version.current());
        assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    private ServiceProcess serve(Map<String, String> environment) throws InterruptedException {
        var env = new HashMap<>(environment);
        env.put(Settings.DATABASE_URL, TestDatabase.urlWithCredentials(TestDatabase.fresh()));
        return ServiceProcess.serve(dataDir, env).awaitReady(READY);
    }

    /** The first admin token, which serve wrote on its first start. */
    private String adminToken() throws IOException {
        return Files.readString(dataDir.resolve("admin-token")).strip();
    }

    private static int get(ServiceProcess service, String path, String token, String requestId) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .header("Authorization", "Bearer " + token).header("X-Request-Id", requestId).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}

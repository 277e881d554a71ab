package dev.custodian.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Every error a client can cause is an RFC 9457 problem with the documented status and type. */
class ProblemResponsesTest {
    private final TestServer server = TestServer.shared();

    @Test
    void malformedJsonIs400() {
        assertProblem(server.postJson("/users", "{\"name\": "), 400, "malformed-json");
        assertProblem(server.postJson("/users", ""), 400, "malformed-json");
        assertProblem(server.postJson("/users", "{} trailing"), 400, "malformed-json");
    }

    @Test
    void duplicateKeysAre400() {
        HttpResponse response = server.postJson("/users", "{\"name\": \"A\", \"name\": \"B\", \"email\": \"a@example.com\"}");
        assertProblem(response, 400, "malformed-json");
        assertThat(response.json().get("detail").asText()).contains("name");
    }

    @Test
    void nestingDeeperThan64Is400ButUpTo64IsAccepted() {
        String tooDeep = "{\"name\": \"A\", \"email\": \"" + uniqueEmail() + "\", \"data\": " + nested(64) + "}";
        String deepEnough = "{\"name\": \"A\", \"email\": \"" + uniqueEmail() + "\", \"data\": " + nested(63) + "}";

        assertProblem(server.postJson("/users", tooDeep), 400, "malformed-json");
        assertThat(server.postJson("/users", deepEnough).status()).isEqualTo(201);
    }

    @Test
    void bodyOverTheLimitIs413() {
        String huge = "{\"name\": \"A\", \"email\": \"a@example.com\", \"data\": {\"blob\": \"" + "x".repeat(1_100_000) + "\"}}";
        assertProblem(server.postJson("/users", huge), 413, "payload-too-large");
    }

    @Test
    void unsupportedContentTypeIs415() {
        HttpResponse post = server.request("POST", "/users").body("text/plain", "name=A").send();
        HttpResponse patch = server.request("PATCH", "/users/1").body("application/xml", "<a/>").send();
        assertProblem(post, 415, "unsupported-media-type");
        assertProblem(patch, 415, "unsupported-media-type");
    }

    @Test
    void unknownRouteIs404AndWrongMethodIs405() {
        assertProblem(server.get("/nothing/here"), 404, "not-found");
        assertProblem(server.get("/users/999999999"), 404, "not-found");
        assertProblem(server.get("/users/abc"), 404, "not-found");
        assertProblem(server.request("DELETE", "/users").send(), 405, "method-not-allowed");
    }

    @Test
    void badQueryParametersAre422() {
        HttpResponse response = server.get("/users?limit=100000");
        assertProblem(response, 422, "validation");
        assertThat(response.json().at("/errors/0/path").asText()).isEqualTo("limit");
    }

    @Test
    void problemTypesAreDescribed() {
        HttpResponse response = server.request("GET", "/problems/data-loss-refused").token(null).send();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("status").asInt()).isEqualTo(409);
        assertThat(response.json().get("description").asText()).contains("If-Match");
    }

    @Test
    void requestIdIsEchoedOrGenerated() {
        HttpResponse given = server.request("GET", "/users/999999999").header("X-Request-Id", "trace-42").send();
        HttpResponse generated = server.request("GET", "/users/999999999").header("X-Request-Id", "bad id with spaces").send();

        assertThat(given.header("X-Request-Id")).isEqualTo("trace-42");
        assertThat(given.json().get("requestId").asText()).isEqualTo("trace-42");
        assertThat(generated.header("X-Request-Id")).matches("[0-9a-f-]{36}");
    }

    @Test
    void generatedRequestIdsAreDistinctRandomUuidsAlsoUnderConcurrentRequests() throws Exception {
        List<String> ids = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                answers.add(clients.submit(() -> server.request("GET", "/users/999999999").send().header("X-Request-Id")));
            }
            for (Future<String> answer : answers) {
                ids.add(answer.get());
            }
        } finally {
            clients.shutdown();
        }

        assertThat(ids).doesNotHaveDuplicates();
        for (String id : ids) {
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(uuid.version()).as(id).isEqualTo(4);
            assertThat(uuid.variant()).as(id).isEqualTo(2);
        }
    }

    static void assertProblem(HttpResponse response, int status, String slug) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        JsonNode body = response.json();
        assertThat(body.get("type").asText()).isEqualTo("/problems/" + slug);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.get("detail").asText()).isNotBlank();
    }

    private static String nested(int depth) {
        return "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth);
    }

    private static String uniqueEmail() {
        return "n" + System.nanoTime() + "@example.com";
    }
}

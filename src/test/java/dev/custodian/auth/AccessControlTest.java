package dev.custodian.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Bearer tokens and roles: read < write < admin; health, the API description and problem pages are open. */
class AccessControlTest {
    private final TestServer server = TestServer.shared();

    @Test
    void missingOrWrongTokenIs401() {
        HttpResponse missing = server.request("GET", "/users").token(null).send();
        HttpResponse wrong = server.request("GET", "/users").token("cus_not-a-real-token").send();
        HttpResponse notBearer = server.request("GET", "/users").header("Authorization", "Basic abc").send();

        for (HttpResponse response : new HttpResponse[] {missing, wrong, notBearer}) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat(response.json().get("type").asText()).isEqualTo("/problems/unauthorized");
        }
    }

    @Test
    void readRoleCannotWriteAndNothingIsWritten() {
        long before = TestSql.count(server.dataSource(), "SELECT count(*) FROM users");

        HttpResponse response = server.request("POST", "/users").token(server.readToken)
                .json("{\"name\": \"R\", \"email\": \"r" + System.nanoTime() + "@example.com\"}").send();

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/forbidden");
        assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM users")).isEqualTo(before);
        assertThat(server.request("GET", "/users?limit=1").token(server.readToken).send().status()).isEqualTo(200);
    }

    @Test
    void onlyHealthTheApiDescriptionAndProblemPagesAreOpen() {
        JsonNode paths = server.request("GET", "/openapi.json").token(null).send().json().get("paths");
        List<String> open = new ArrayList<>();
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            String method = operation.getKey().toUpperCase(Locale.ROOT);
            String concrete = path.getKey().replaceAll("\\{[^}]+}", "1");
            int status = server.request(method, concrete).token(null).json("{}").send().status();
            if (operation.getValue().get("x-role").asText().equals("open")) {
                open.add(method + " " + path.getKey());
                assertThat(status).as(method + " " + concrete).isNotIn(401, 403);
            } else {
                assertThat(status).as(method + " " + concrete + " without a token").isEqualTo(401);
                if (method.equals("GET")) {
                    assertThat(server.request("HEAD", concrete).token(null).send().status()).isEqualTo(401);
                }
            }
        }));

        assertThat(open).containsExactlyInAnyOrder("GET /health", "GET /health/ready", "GET /health/live",
                "GET /openapi.json", "GET /problems/{slug}");
        assertThat(server.request("GET", "/problems/unauthorized").token(null).send().status()).isEqualTo(200);
    }

    @Test
    void healthIsOpen() {
        HttpResponse response = server.request("GET", "/health").token(null).send();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("database").asText()).isEqualTo("up");
    }

    @Test
    void tokensAreStoredOnlyAsHashes() {
        assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM api_tokens WHERE token_sha256 = ?",
                server.writeToken)).isZero();
        assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM api_tokens WHERE token_sha256 = ?",
                Tokens.sha256(server.writeToken))).isOne();
    }
}

package dev.custodian.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When PostgreSQL cannot be reached, clients get 503 with Retry-After, never a 500. */
class UnavailableDatabaseTest {

    @Test
    void unreachableDatabaseIs503WithRetryAfter() {
        try (HikariDataSource unreachable = TestDatabase.unreachable(Duration.ofMillis(500));
             TestServer server = TestServer.startWithoutTokens(unreachable)) {

            HttpResponse users = server.request("GET", "/users/1").token("cus_any").send();
            HttpResponse health = server.request("GET", "/health").token(null).send();

            for (HttpResponse response : new HttpResponse[] {users, health}) {
                assertThat(response.status()).as(response.body()).isEqualTo(503);
                assertThat(response.contentType()).isEqualTo("application/problem+json");
                assertThat(response.json().get("type").asText()).isEqualTo("/problems/unavailable");
                assertThat(response.header("Retry-After")).isEqualTo("5");
            }
        }
    }
}

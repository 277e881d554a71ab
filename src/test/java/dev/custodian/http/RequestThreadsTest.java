package dev.custodian.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestUsers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Requests beyond the server's threads wait in its queue and are answered, none refused: the
 * threads are the database connections plus {@link RequestThreads#BEYOND_POOL}.
 */
class RequestThreadsTest {
    private final TestServer server = TestServer.shared();

    @Test
    void moreRequestsAtOnceThanThreadsAreAllAnswered() {
        long id = TestUsers.createIncidentUser(server);
        int atOnce = 4 * (16 + RequestThreads.BEYOND_POOL);
        var executor = Executors.newFixedThreadPool(atOnce);
        // A client per request, so each has a connection of its own and all arrive together.
        try {
            List<CompletableFuture<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < atOnce; i++) {
                String path = i % 2 == 0 ? "/users/" + id : "/health/live";
                statuses.add(CompletableFuture.supplyAsync(() -> status(path), executor));
            }

            assertThat(statuses).allSatisfy(status -> assertThat(status.join()).isEqualTo(200));
        } finally {
            executor.shutdownNow();
        }
    }

    private int status(String path) {
        var request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + server.readToken).build();
        try {
            return HttpClient.newHttpClient().send(request, BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.EmbeddedCluster;
import dev.custodian.testing.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a container kill or the OOM killer does to the default set-up: SIGKILL to the service
 * and to every PostgreSQL process of its data directory while clients are writing. Whatever
 * the service acknowledged must be there after the restart, under the version it was
 * acknowledged with.
 */
class KillUnderLoadTest {
    private static final int CLIENTS = 16;
    private static final int USERS = 4;
    /** Acknowledged writes before the kill: enough that the last few hundred milliseconds of commits are in flight. */
    private static final int ACKNOWLEDGED_BEFORE_KILL = 600;
    private static final Duration LOAD_LIMIT = Duration.ofSeconds(90);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One write the service answered 200 to: the value client {@code client} set, and the version (ETag) it was given. */
    private record Ack(int user, long version, int client, int value) {
    }

    @Test
    void everyAcknowledgedWriteSurvivesSigkillOfTheServiceAndItsPostgres(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("CUSTODIAN_BACKUP_EVERY", "off");
        Queue<Ack> acks = new ConcurrentLinkedQueue<>();
        try (ServiceProcess first = ServiceProcess.serve(dataDir, env).awaitReady(Duration.ofSeconds(120))) {
            String token = Files.readString(dataDir.resolve("admin-token")).trim();
            for (int user = 1; user <= USERS; user++) {
                var created = send(first, token, "POST", "/users", "application/json",
                        "{\"name\": \"User " + user + "\", \"email\": \"user" + user + "@example.com\"}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            }

            writeUntilKilled(first, token, dataDir, acks);
        }

        long lost;
        try (ServiceProcess second = ServiceProcess.serve(dataDir, env).awaitReady(Duration.ofSeconds(120))) {
            String token = Files.readString(dataDir.resolve("admin-token")).trim();
            lost = acks.stream().filter(ack -> !isThere(second, token, ack)).count();
        }
        System.out.printf("acknowledged writes: %d, lost after SIGKILL of the service and PostgreSQL: %d%n", acks.size(), lost);
        assertThat(acks).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);
        assertThat(lost).as("acknowledged writes lost (of %d)", acks.size()).isZero();
    }

    /** 16 clients patch users 1 to 4, each its own key with a growing value, until the kill cuts them off. */
    private void writeUntilKilled(ServiceProcess service, String token, Path dataDir, Queue<Ack> acks) throws Exception {
        var enough = new CountDownLatch(ACKNOWLEDGED_BEFORE_KILL);
        var stop = new AtomicBoolean();
        Queue<String> refused = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            int clientId = c;
            int user = 1 + c % USERS;
            clients.submit(() -> {
                for (int value = 1; !stop.get(); value++) {
                    try {
                        var response = send(service, token, "PATCH", "/users/" + user, "application/merge-patch+json",
                                "{\"data\": {\"c" + clientId + "\": " + value + "}}");
                        if (response.statusCode() != 200) {
                            refused.add(response.statusCode() + " " + response.body());
                            return null;
                        }
                        acks.add(new Ack(user, Long.parseLong(response.headers().firstValue("ETag").orElseThrow()
                                .replace("\"", "")), clientId, value));
                        enough.countDown();
                    } catch (IOException killed) {
                        return null;
                    }
                }
                return null;
            });
        }
        try {
            assertThat(enough.await(LOAD_LIMIT.toSeconds(), TimeUnit.SECONDS))
                    .as("%d writes acknowledged within %s", ACKNOWLEDGED_BEFORE_KILL, LOAD_LIMIT).isTrue();
            EmbeddedCluster.killAll(Stream.concat(Stream.of(service.handle()), EmbeddedCluster.processes(dataDir).stream()).toList());
        } finally {
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(refused).as("writes refused before the kill").isEmpty();
    }

    /** The user's state at the acknowledged version holds the acknowledged value: the write is kept, its version not reused. */
    private boolean isThere(ServiceProcess service, String token, Ack ack) {
        try {
            var response = send(service, token, "GET", "/users/" + ack.user() + "?version=" + ack.version(), null, null);
            return response.statusCode() == 200
                    && dev.custodian.testing.TestSql.parse(response.body()).at("/data/c" + ack.client()).asInt() == ack.value();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(ServiceProcess service, String token, String method, String path,
                                      String contentType, String body) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

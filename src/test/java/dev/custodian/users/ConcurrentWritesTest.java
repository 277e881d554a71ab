package dev.custodian.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The read-modify-write failure: concurrent writes of different keys of one user must all survive. */
class ConcurrentWritesTest {
    private static final int THREADS = 16;
    private static final int KEYS_PER_THREAD = 50;

    private final TestServer server = TestServer.shared();

    @Test
    void concurrentPatchesOfDistinctKeysAreAllKept() throws Exception {
        long id = TestUsers.createIncidentUser(server);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<List<Integer>>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                List<Integer> statuses = new ArrayList<>();
                for (int k = 0; k < KEYS_PER_THREAD; k++) {
                    String key = "t" + thread + "k" + k;
                    statuses.add(server.mergePatch("/users/" + id, "{\"data\": {\"" + key + "\": " + k + "}}").status());
                }
                return statuses;
            }));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        for (Future<List<Integer>> result : results) {
            assertThat(result.get()).containsOnly(200);
        }

        JsonNode stored = TestSql.user(server.dataSource(), id);
        for (int t = 0; t < THREADS; t++) {
            for (int k = 0; k < KEYS_PER_THREAD; k++) {
                assertThat(stored.at("/data/t" + t + "k" + k).asInt(-1)).as("key t%dk%d", t, k).isEqualTo(k);
            }
        }
        assertThat(stored.at("/data/address").asText()).isEqualTo("2 High St");
        assertThat(stored.get("version").asLong()).isEqualTo(1 + THREADS * KEYS_PER_THREAD);
    }
}

package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A backup is one snapshot: taken while clients write, users and history agree with each other. */
class ConsistentBackupTest {
    private static final int WRITERS = 8;
    private static final int USERS = 200;
    private static final int WRITES_PER_CLIENT = 400;

    private final BackupFixture fixture = new BackupFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aBackupTakenWhileEightClientsWriteHoldsEveryUserAtItsLatestHistoryEntry() throws Exception {
        fixture.addUsers(1, USERS);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(pool.submit(() -> write(writer, stop)));
        }
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                ids.add(fixture.backup().get("id").asText());
            }
        } finally {
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        int written = 0;
        for (Future<Integer> writer : writers) {
            written += writer.get();
        }

        assertThat(written).as("writes made while backing up").isPositive();
        for (String id : ids) {
            BackupFile file = BackupFile.read(fixture.fileOf(id));
            Map<Long, Long> versions = column(file, 0, "id", "version");
            Map<Long, Long> latestEntries = column(file, 1, "user_id", "version");
            assertThat(versions).as(id).hasSize(USERS).isEqualTo(latestEntries);
            HttpResponse verify = fixture.admin("POST", "/admin/backups/" + id + "/verify");
            assertThat(verify.status()).as(verify.body()).isEqualTo(200);
        }
    }

    private int write(int writer, AtomicBoolean stop) {
        int done = 0;
        while (!stop.get() && done < WRITES_PER_CLIENT) {
            long user = ThreadLocalRandom.current().nextLong(1, USERS + 1);
            var response = fixture.server.mergePatch("/users/" + user, "{\"data\": {\"w" + writer + "\": " + done + "}}");
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            done++;
        }
        return done;
    }

    /** For one section of the file: key column to the largest value of another column. */
    private static Map<Long, Long> column(BackupFile file, int section, String key, String value) {
        JsonNode columns = file.manifest().at("/sections/" + section + "/columns");
        int keyAt = indexOf(columns, key);
        int valueAt = indexOf(columns, value);
        long start = 0;
        for (int s = 0; s < section; s++) {
            start += file.manifest().at("/sections/" + s + "/bytes").asLong() + 3;
        }
        long length = file.manifest().at("/sections/" + section + "/bytes").asLong();
        String text = new String(file.content(), (int) start, (int) length, java.nio.charset.StandardCharsets.UTF_8);
        Map<Long, Long> result = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.split("\t", -1);
            result.merge(Long.parseLong(fields[keyAt]), Long.parseLong(fields[valueAt]), Math::max);
        }
        return result;
    }

    private static int indexOf(JsonNode columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).asText().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no column " + name);
    }
}

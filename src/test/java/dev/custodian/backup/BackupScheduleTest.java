package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** CUSTODIAN_BACKUP_EVERY and CUSTODIAN_BACKUP_KEEP: backups while serving, verified, then pruned. */
class BackupScheduleTest {

    @Test
    void scheduledBackupsAreTakenVerifiedAndPrunedWhileManualOnesStay() throws InterruptedException {
        try (var fixture = new BackupFixture(Optional.of(Duration.ofSeconds(1)), 2)) {
            fixture.addUsers(1, 10);
            String manual = fixture.backup().get("id").asText();
            Set<String> seen = new HashSet<>();
            List<JsonNode> scheduled = List.of();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (Instant.now().isBefore(deadline)) {
                scheduled = scheduled(fixture);
                scheduled.forEach(item -> seen.add(item.get("id").asText()));
                if (seen.size() >= 4 && scheduled.size() == 2 && allVerified(scheduled)) {
                    break;
                }
                Thread.sleep(50); // polling interval while waiting for the condition, not a wait for time to pass
            }

            assertThat(seen).as("scheduled backups seen").hasSizeGreaterThanOrEqualTo(4);
            assertThat(scheduled).hasSize(2);
            assertThat(allVerified(scheduled)).isTrue();
            assertThat(scheduled).allSatisfy(item -> assertThat(item.get("users").asLong()).isEqualTo(10));
            assertThat(fixture.admin("GET", "/admin/backups/" + manual).status()).isEqualTo(200);
        }
    }

    private static List<JsonNode> scheduled(BackupFixture fixture) {
        var found = new ArrayList<JsonNode>();
        fixture.admin("GET", "/admin/backups").json().get("items").forEach(item -> {
            if ("scheduled".equals(item.path("kind").asText())) {
                found.add(item);
            }
        });
        return found;
    }

    private static boolean allVerified(List<JsonNode> items) {
        return items.stream().allMatch(item -> item.at("/verification/ok").asBoolean(false));
    }
}

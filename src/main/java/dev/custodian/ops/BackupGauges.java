package dev.custodian.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.backup.Backups;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Gauges read from the backup folder when scraped: how old the newest backup is and whether
 * its latest verification passed. Reads the manifests of the newest few files, never a whole
 * backup. Thread-safe.
 */
final class BackupGauges {
    /** How far down the list a valid backup is looked for, past files whose manifest cannot be read. */
    private static final int LOOK_AT = 10;

    private final Backups backups;
    private final Clock clock;

    BackupGauges(Backups backups, Clock clock) {
        this.backups = backups;
        this.clock = clock;
    }

    void bindTo(MeterRegistry registry) {
        // Strong references: Micrometer holds a gauge's object weakly, and nothing else holds this one.
        Gauge.builder("custodian.backup.age", this, BackupGauges::newestAgeSeconds)
                .description("Seconds since the newest readable backup was taken; NaN when there is none")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
        Gauge.builder("custodian.backup.verified", this, BackupGauges::newestVerified)
                .description("1 when the newest readable backup's latest verification passed, 0 when it failed,"
                        + " NaN when it was never verified")
                .strongReference(true)
                .register(registry);
    }

    private double newestAgeSeconds() {
        return newest().map(item -> Duration.between(Instant.parse(item.get("createdAt").asText()), clock.instant()))
                .map(age -> age.toMillis() / 1000.0)
                .orElse(Double.NaN);
    }

    private double newestVerified() {
        return newest().map(item -> item.get("verification"))
                .map(verification -> verification.path("ok").asBoolean(false) ? 1.0 : 0.0)
                .orElse(Double.NaN);
    }

    private Optional<JsonNode> newest() {
        JsonNode items = backups.list(LOOK_AT, null).get("items");
        return StreamSupport.stream(items.spliterator(), false).filter(item -> item.has("createdAt")).findFirst();
    }
}

package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.MovableClock;
import dev.custodian.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The verdict writes ask for before they start: never older than a second, and looked at again
 * in the background before it gets that old, so that a steady stream of writes does not stop
 * each second to wait for a look.
 */
class SchemaCheckTest {
    private final MovableClock clock = new MovableClock();
    private final SchemaCheck check = new SchemaCheck(TestDatabase.shared(), clock);

    @Test
    void aVerdictPastHalfItsAgeIsAnsweredAtOnceWhileTheNextLookRunsInTheBackground() throws Exception {
        SchemaReport first = check.recent();
        assertThat(first.reachable()).isTrue();
        assertThat(first.damaged()).isFalse();

        clock.advance(SchemaCheck.LOOK_AHEAD.plusMillis(1));
        assertThat(check.recent()).as("still under a second old: no write waits").isSameAs(first);

        Instant lookStarted = clock.instant();
        assertThat(awaitVerdictFrom(lookStarted)).as("the look it started").isNotNull();
    }

    @Test
    void aVerdictOlderThanASecondIsNeverAnswered() {
        SchemaReport first = check.recent();

        clock.advance(SchemaCheck.MAX_AGE.plusMillis(1));
        SchemaReport next = check.recent();

        assertThat(next.checkedAt()).isAfter(first.checkedAt());
        assertThat(next.checkedAt()).isAfterOrEqualTo(clock.instant().minus(SchemaCheck.MAX_AGE));
    }

    @Test
    void aVerdictUnderHalfItsAgeStartsNoLook() throws Exception {
        SchemaReport first = check.recent();

        clock.advance(SchemaCheck.LOOK_AHEAD.minusMillis(1));
        assertThat(check.recent()).isSameAs(first);
        Thread.sleep(200);

        assertThat(check.recent()).as("no look ran meanwhile").isSameAs(first);
    }

    /** Asks as writes do until a verdict from a look that started at or after {@code since} comes; null after 10 s. */
    private SchemaReport awaitVerdictFrom(Instant since) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            SchemaReport report = check.recent();
            if (!report.checkedAt().isBefore(since)) {
                return report;
            }
            Thread.sleep(10);
        }
        return null;
    }
}

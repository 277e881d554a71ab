package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first start of {@code serve} as an operator runs it, with output going to files (no terminal). */
class FirstStartTest {

    @Test
    void withoutATerminalTheAdminTokenIsOnlyInItsFileAndTheLogSaysWhere(@TempDir Path dataDir) throws Exception {
        try (var service = ServiceProcess.serve(dataDir, Map.of()).awaitReady(Duration.ofSeconds(120))) {
            Path file = dataDir.resolve("admin-token");
            String token = Files.readString(file).trim();

            assertThat(token).startsWith("cus_");
            assertThat(service.stdout()).doesNotContain(token);
            assertThat(service.stderr()).doesNotContain(token).contains(file.toAbsolutePath().toString());
        }
    }
}

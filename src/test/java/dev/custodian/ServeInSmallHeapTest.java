package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.EmbeddedCluster;
import dev.custodian.testing.ServiceProcess;
import dev.custodian.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar custodian.jar serve}, with no JVM options, serves from a child JVM with the
 * service's memory defaults, and its embedded PostgreSQL with the allocator settings that large
 * documents need; the child never outlives the JVM that was started, whether that one is stopped
 * or killed.
 */
class ServeInSmallHeapTest {
    @TempDir
    Path dataDir;

    @Test
    void serveWithoutJvmOptionsServesFromAChildWithTheServicesHeapAndStopsWithItsParent() throws Exception {
        var environment = Map.of("CUSTODIAN_DATABASE_URL", TestDatabase.urlWithCredentials(TestDatabase.fresh()));

        ServiceProcess service = ServiceProcess.serveWithoutJvmOptions(dataDir, environment).awaitReady(Duration.ofMinutes(2));
        ProcessHandle child = servingChild(service);
        assertThat(commandLine(child)).containsAll(ServeInSmallHeap.OPTIONS).contains("serve");

        service.kill();

        assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("the child outlived its killed parent").isFalse();
    }

    @Test
    void heapOptionsOnTheCommandLineKeepServeInTheJvmAsStarted() throws Exception {
        var environment = Map.of("CUSTODIAN_DATABASE_URL", TestDatabase.urlWithCredentials(TestDatabase.fresh()));

        try (ServiceProcess service = ServiceProcess.serve(dataDir, environment).awaitReady(Duration.ofMinutes(2))) {
            assertThat(service.handle().children().filter(ServeInSmallHeapTest::isJava)).isEmpty();
        }
    }

    @Test
    void theEmbeddedPostgresqlOfServeRunsWithTheAllocatorSettingsForLargeDocuments() throws Exception {
        try (ServiceProcess service = ServiceProcess.serveWithoutJvmOptions(dataDir, Map.of()).awaitReady(Duration.ofMinutes(2))) {
            assertThat(environment(EmbeddedCluster.postmaster(dataDir)))
                    .contains("MALLOC_MMAP_THRESHOLD_=4194304", "MALLOC_TRIM_THRESHOLD_=16777216");
        }
    }

    @Test
    void allocatorSettingsOfTheOperatorAreLeftAsTheyAre() throws Exception {
        var environment = Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=8388608");

        try (ServiceProcess service = ServiceProcess.serveWithoutJvmOptions(dataDir, environment).awaitReady(Duration.ofMinutes(2))) {
            assertThat(environment(EmbeddedCluster.postmaster(dataDir)))
                    .contains("GLIBC_TUNABLES=glibc.malloc.trim_threshold=8388608")
                    .noneMatch(variable -> variable.startsWith("MALLOC_"));
        }
    }

    private static List<String> environment(ProcessHandle process) throws IOException {
        return procEntries(process, "environ");
    }

    private static ProcessHandle servingChild(ServiceProcess service) {
        List<ProcessHandle> children = service.handle().children().filter(ServeInSmallHeapTest::isJava).toList();
        assertThat(children).as("the JVM that serves").hasSize(1);
        return children.get(0);
    }

    /** The arguments as the kernel has them: ProcessHandle.Info leaves out a command line this long. */
    private static List<String> commandLine(ProcessHandle process) throws IOException {
        return procEntries(process, "cmdline");
    }

    private static List<String> procEntries(ProcessHandle process, String file) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), file));
        return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
    }

    private static boolean isJava(ProcessHandle process) {
        return process.info().command().map(command -> command.endsWith("/java")).orElse(false);
    }
}

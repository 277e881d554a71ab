package dev.custodian;

import dev.custodian.db.PostgresAllocator;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code serve} started as {@code java -jar custodian.jar serve}, with no heap settings, runs
 * in a child JVM with the service's own memory defaults. The JVM's defaults are sized for the
 * machine, not the service (on 24 GB: G1 with a 384 MB initial heap, every page of which the
 * young generation touches), so the service would stay resident at 400 MB and more; with
 * {@link #OPTIONS} it stays near 200 MB under load (README, "JVM options"). Any heap or
 * collector option on the command line, or {@code CUSTODIAN_JVM_DEFAULTS=off}, keeps the JVM as
 * started. The child's environment also holds the settings of glibc's allocator that the
 * embedded PostgreSQL it starts needs for large documents ({@link PostgresAllocator}). The child
 * inherits the terminal; the parent waits for it, passes on its exit code, and stops it when
 * stopped itself; the child stops when the parent dies. Not thread-safe;
 * used once, by {@link Main}.
 */
final class ServeInSmallHeap {
    static final List<String> OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");
    /** Set in the child's environment, so it never starts another child. */
    private static final String CHILD = "CUSTODIAN_SERVE_CHILD";
    private static final String SWITCH = "CUSTODIAN_JVM_DEFAULTS";
    private static final Set<String> MEMORY_OPTIONS = Set.of("-Xmx", "-Xms", "-XX:MaxHeapSize", "-XX:InitialHeapSize",
            "-XX:MaxRAM", "-XX:InitialRAMPercentage");

    private ServeInSmallHeap() {
    }

    static boolean applies(String[] args) {
        return args.length > 0 && args[0].equals("serve") && System.getenv(CHILD) == null
                && !"off".equalsIgnoreCase(System.getenv(SWITCH))
                && ManagementFactory.getRuntimeMXBean().getInputArguments().stream().noneMatch(ServeInSmallHeap::isMemoryOption);
    }

    private static boolean isMemoryOption(String option) {
        return MEMORY_OPTIONS.stream().anyMatch(option::startsWith) || option.startsWith("-XX:+Use") && option.endsWith("GC");
    }

    /** Runs serve in the child and returns its exit code. */
    static int run(String[] args) throws java.io.IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put(CHILD, Long.toString(ProcessHandle.current().pid()));
        // The embedded PostgreSQL the child starts inherits its environment. The child's own
        // malloc reads them too, with either database: measured, its resident memory after the
        // same load was the same with them as without.
        PostgresAllocator.addTo(builder.environment());
        Process child = builder.start();
        Thread stopChild = new Thread(() -> stop(child), "stop-serve");
        Runtime.getRuntime().addShutdownHook(stopChild);
        int code = child.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(stopChild);
        } catch (IllegalStateException shuttingDown) {
            // the parent is being stopped: the hook is what stopped the child
        }
        return code;
    }

    /** In the child: stop when the parent is gone, as if it had been stopped. */
    static void followParent() {
        String parent = System.getenv(CHILD);
        if (parent == null) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
                handle -> handle.onExit().thenRun(() -> System.exit(143)),
                () -> System.exit(143));
    }

    private static void stop(Process child) {
        child.destroy();
        try {
            child.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.custodian.db;

import java.util.Map;

/**
 * How glibc's malloc should serve the embedded PostgreSQL, as environment variables: the server
 * inherits the environment of the JVM that starts it (the library that runs {@code pg_ctl} passes
 * this JVM's on), so {@code serve} sets them for the JVM it runs in (docs/operations.md,
 * "PostgreSQL's memory allocator").
 *
 * <p>Why: a write of a large document makes several copies of it in a backend (the stored
 * document read into memory, the two documents without the declared keys that the write
 * trigger compares, the new row, the response's text), each one block of hundreds of kilobytes.
 * With glibc's defaults such a block is mapped for itself and unmapped when freed, or the free
 * space at the top of the heap is given back once it passes 128 kB, so the next write faults
 * every page in again. Measured side by side on two clusters (one key of a 10,000-key, 190 kB
 * document, pgbench with 32 clients): 58–69 ms of server CPU per write with the defaults,
 * 17.7–18.6 ms with these settings, and the usual small write the same. Neither setting helps
 * alone: the threshold alone still gives the heap back, and the trim alone maps every block.
 *
 * <p>What it costs: a backend keeps up to 16 MiB it has freed instead of giving it back, measured
 * about 8 MB more per backend that writes wide documents. Blocks from 4 MiB up are mapped as
 * before.
 */
public final class PostgresAllocator {
    /**
     * glibc's own way to set these and more; an operator who sets it, or either variable below,
     * has chosen the allocator's settings, and none is added.
     */
    private static final String GLIBC_TUNABLES = "GLIBC_TUNABLES";

    /** Blocks under 4 MiB come from the heap; the heap keeps up to 16 MiB free at its top. */
    private static final Map<String, String> SETTINGS = Map.of(
            "MALLOC_MMAP_THRESHOLD_", Integer.toString(4 * 1024 * 1024),
            "MALLOC_TRIM_THRESHOLD_", Integer.toString(16 * 1024 * 1024));

    private PostgresAllocator() {
    }

    /** Adds the settings to the environment of a process that will start the embedded PostgreSQL. */
    public static void addTo(Map<String, String> environment) {
        boolean chosenAlready = environment.containsKey(GLIBC_TUNABLES)
                || SETTINGS.keySet().stream().anyMatch(environment::containsKey);
        if (!chosenAlready) {
            environment.putAll(SETTINGS);
        }
    }
}

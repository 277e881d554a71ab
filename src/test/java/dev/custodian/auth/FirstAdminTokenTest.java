package dev.custodian.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.db.Transactions;
import dev.custodian.testing.CapturedLogs;
import dev.custodian.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first admin token: in a file only its owner reads, on a terminal if there is one, never in the log. */
class FirstAdminTokenTest {
    private final Tokens tokens = new Tokens(new Transactions(TestDatabase.fresh()), Clock.systemUTC());

    @TempDir
    Path dataDir;

    @Test
    void withoutATerminalTheTokenIsOnlyInItsFileAndTheLogSaysWhere() throws Exception {
        String token;
        try (var logs = new CapturedLogs()) {
            token = FirstAdminToken.ensure(tokens, dataDir, Optional.empty()).orElseThrow();

            Path file = dataDir.resolve("admin-token").toAbsolutePath();
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains(file.toString()))
                    .noneSatisfy(line -> assertThat(line).contains(token));
        }
        Path file = dataDir.resolve("admin-token");
        assertThat(Files.readString(file).trim()).isEqualTo(token);
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(tokens.authenticate(token).role()).isEqualTo(Role.ADMIN);
    }

    @Test
    void onATerminalTheTokenIsPrintedOnceAndLaterStartsChangeNothing() throws Exception {
        var terminal = new ByteArrayOutputStream();
        var out = new PrintStream(terminal, true, StandardCharsets.UTF_8);

        String token = FirstAdminToken.ensure(tokens, dataDir, Optional.of(out)).orElseThrow();
        String printed = terminal.toString(StandardCharsets.UTF_8);
        var again = FirstAdminToken.ensure(tokens, dataDir, Optional.of(out));

        assertThat(printed).contains(token, dataDir.resolve("admin-token").toAbsolutePath().toString());
        assertThat(again).isEmpty();
        assertThat(terminal.toString(StandardCharsets.UTF_8)).isEqualTo(printed);
        assertThat(Files.readString(dataDir.resolve("admin-token")).trim()).isEqualTo(token);
    }
}

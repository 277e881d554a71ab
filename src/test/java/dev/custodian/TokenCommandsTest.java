package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code custodian token create|list|revoke} against a real database. */
class TokenCommandsTest {
    private final DataSource db = TestDatabase.fresh();

    @TempDir
    Path dataDir;

    @Test
    void tokensAreCreatedListedAndRevokedFromTheCommandLine() {
        CommandRun created = run("token", "create", "--name", "nightly-export", "--role", "read", "--expires", "30d");
        String secret = created.out().trim();
        CommandRun listed = run("token", "list");
        CommandRun revoked = run("token", "revoke", "nightly-export");
        CommandRun listedAfter = run("token", "list");

        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(secret).startsWith("cus_").doesNotContain("\n");
        assertThat(TestSql.rows(db, """
                SELECT role, extract(epoch FROM expires_at - created_at)::bigint AS lifetime
                  FROM api_tokens WHERE name = 'nightly-export'""")).singleElement().satisfies(row -> {
                    assertThat(row.get("role")).isEqualTo("read");
                    assertThat(row.get("lifetime")).isEqualTo(30L * 24 * 3600);
                });
        assertThat(listed.exit()).isZero();
        assertThat(listed.out()).contains("name", "role", "status", "created", "expires", "last used", "revoked")
                .containsPattern("nightly-export +read +active +\\S+Z +\\S+Z +- +-")
                .doesNotContain(secret);
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).startsWith("token nightly-export revoked at ");
        assertThat(TestSql.value(db, "SELECT revoked_at FROM api_tokens WHERE name = 'nightly-export'")).isNotNull();
        assertThat(listedAfter.out()).containsPattern("nightly-export +read +revoked ");
    }

    @Test
    void invalidValuesAndUnknownNamesExitNonZeroWithAMessage() {
        CommandRun badExpiry = run("token", "create", "--name", "x", "--role", "read", "--expires", "soon");
        CommandRun badRole = run("token", "create", "--name", "x", "--role", "root");
        CommandRun unknown = run("token", "revoke", "nobody");

        assertThat(badExpiry.exit()).isEqualTo(1);
        assertThat(badExpiry.err()).startsWith("custodian: /expires: a lifetime such as 90d");
        assertThat(badRole.exit()).isEqualTo(1);
        assertThat(badRole.err()).contains("role must be read, write or admin, got 'root'");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no token named 'nobody'");
        assertThat(TestSql.count(db, "SELECT count(*) FROM api_tokens")).isZero();
    }

    @Test
    void theLastAdminTokenIsRevokedOnlyWithForce() {
        run("token", "create", "--name", "only-admin", "--role", "admin");

        CommandRun refused = run("token", "revoke", "only-admin");
        Object stillActive = TestSql.value(db, "SELECT revoked_at FROM api_tokens WHERE name = 'only-admin'");
        CommandRun forced = run("token", "revoke", "only-admin", "--force");

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("last working admin token", "--force");
        assertThat(stillActive).isNull();
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(TestSql.value(db, "SELECT revoked_at FROM api_tokens WHERE name = 'only-admin'")).isNotNull();
    }

    private CommandRun run(String... args) {
        return CommandRun.run(db, dataDir, args);
    }
}

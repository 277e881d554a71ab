package dev.custodian.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.MovableClock;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tokens over HTTP: created with a name, a role and an expiry, listed without secrets, revoked. */
class TokenLifecycleTest {
    private final DataSource db = TestDatabase.fresh();
    private final MovableClock clock = new MovableClock();
    private final TestServer server = TestServer.start(db, settings -> settings, clock);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aCreatedTokenWorksAtItsRoleAndItsSecretIsShownOnlyOnce() {
        HttpResponse created = create("{\"name\": \"billing-api\", \"role\": \"write\", \"expires\": \"90d\"}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = created.json();
        String secret = body.get("token").asText();
        assertThat(secret).startsWith("cus_");
        assertThat(body.get("name").asText()).isEqualTo("billing-api");
        assertThat(body.get("role").asText()).isEqualTo("write");
        assertThat(body.get("status").asText()).isEqualTo("active");
        assertThat(body.has("id")).isFalse();
        assertThat(Instant.parse(body.get("expiresAt").asText()))
                .isEqualTo(Instant.parse(body.get("createdAt").asText()).plus(Duration.ofDays(90)));
        assertThat(TestSql.rows(db, """
                SELECT role, extract(epoch FROM expires_at - created_at)::bigint AS lifetime, revoked_at
                  FROM api_tokens WHERE name = 'billing-api' AND token_sha256 = ?""", Tokens.sha256(secret)))
                .hasSize(1).first().satisfies(row -> {
                    assertThat(row.get("role")).isEqualTo("write");
                    assertThat(row.get("lifetime")).isEqualTo(Duration.ofDays(90).toSeconds());
                    assertThat(row.get("revoked_at")).isNull();
                });

        assertThat(server.request("GET", "/users?limit=1").token(secret).send().status()).isEqualTo(200);
        assertThat(server.request("GET", "/admin/tokens").token(secret).send().status()).isEqualTo(403);
        HttpResponse list = server.request("GET", "/admin/tokens").token(server.adminToken).send();
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(secret).doesNotContain("\"token\"");
        assertThat(Instant.parse(item(list.json(), "billing-api").get("lastUsedAt").asText())).isEqualTo(clock.instant());
    }

    @Test
    void aRevokedTokenIsRefusedButStaysListedAndItsNameIsNeverReused() {
        String secret = create("{\"name\": \"old-script\", \"role\": \"read\"}").json().get("token").asText();
        assertThat(server.request("GET", "/users?limit=1").token(secret).send().status()).isEqualTo(200);

        HttpResponse revoked = server.request("DELETE", "/admin/tokens/old-script").token(server.adminToken).send();
        Object revokedAt = TestSql.value(db, "SELECT revoked_at FROM api_tokens WHERE name = 'old-script'");
        HttpResponse refused = server.request("GET", "/users?limit=1").token(secret).send();
        HttpResponse again = server.request("DELETE", "/admin/tokens/old-script").token(server.adminToken).send();
        HttpResponse unknown = server.request("DELETE", "/admin/tokens/no-such-token").token(server.adminToken).send();
        HttpResponse reused = create("{\"name\": \"old-script\", \"role\": \"read\"}");

        assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);
        assertThat(revokedAt).isNotNull();
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.json().get("detail").asText()).contains("'old-script' was revoked");
        assertThat(again.status()).isEqualTo(204);
        assertThat(TestSql.value(db, "SELECT revoked_at FROM api_tokens WHERE name = 'old-script'")).isEqualTo(revokedAt);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asText()).contains("no token named 'no-such-token'");
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.json().get("detail").asText()).contains("names are never reused");
        assertThat(TestSql.count(db, "SELECT count(*) FROM api_tokens WHERE name = 'old-script'")).isOne();
        JsonNode listed = item(server.request("GET", "/admin/tokens").token(server.adminToken).send().json(), "old-script");
        assertThat(listed.get("status").asText()).isEqualTo("revoked");
        assertThat(listed.get("revokedAt").isTextual()).isTrue();
    }

    @Test
    void theLastWorkingAdminTokenIsKeptUnlessForced() {
        HttpResponse refused = server.request("DELETE", "/admin/tokens/" + adminName()).token(server.adminToken).send();

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).contains("last working admin token", "force");
        assertThat(TestSql.value(db, "SELECT revoked_at FROM api_tokens WHERE role = 'admin'")).isNull();

        String second = create("{\"name\": \"second-admin\", \"role\": \"admin\"}").json().get("token").asText();
        assertThat(server.request("DELETE", "/admin/tokens/" + adminName()).token(second).send().status()).isEqualTo(204);
        assertThat(server.request("DELETE", "/admin/tokens/second-admin").token(second).send().status()).isEqualTo(409);
        HttpResponse forced = server.request("DELETE", "/admin/tokens/second-admin?force=true").token(second).send();

        assertThat(forced.status()).isEqualTo(204);
        assertThat(TestSql.count(db, "SELECT count(*) FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL")).isZero();
        assertThat(server.request("GET", "/admin/tokens").token(second).send().status()).isEqualTo(401);
    }

    @Test
    void invalidTokenRequestsNameEachValueAndStoreNothing() {
        long before = TestSql.count(db, "SELECT count(*) FROM api_tokens");

        HttpResponse invalid = create("{\"name\": \"has space\", \"role\": \"owner\", \"expires\": \"forever\"}");
        HttpResponse unknownField = create("{\"name\": \"x\", \"role\": \"read\", \"scope\": \"all\"}");
        HttpResponse tooLong = create("{\"name\": \"x\", \"role\": \"read\", \"expires\": \"40000d\"}");
        HttpResponse notText = create("{\"name\": 7, \"role\": \"read\"}");

        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().get("errors").findValuesAsText("path")).containsExactly("/name", "/role", "/expires");
        assertThat(unknownField.status()).isEqualTo(422);
        assertThat(unknownField.json().at("/errors/0/path").asText()).isEqualTo("/scope");
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.json().at("/errors/0/path").asText()).isEqualTo("/expires");
        assertThat(notText.status()).isEqualTo(422);
        assertThat(notText.json().at("/errors/0/path").asText()).isEqualTo("/name");
        assertThat(TestSql.count(db, "SELECT count(*) FROM api_tokens")).isEqualTo(before);
    }

    @Test
    void dryRunsReportWithoutCreatingOrRevoking() {
        HttpResponse createPreview = server.request("POST", "/admin/tokens?dryRun=true").token(server.adminToken)
                .json("{\"name\": \"maybe\", \"role\": \"read\"}").send();
        HttpResponse bodyPreview = create("{\"name\": \"maybe\", \"role\": \"read\", \"dryRun\": true}");
        String reader = readerName();
        HttpResponse revokePreview = server.request("DELETE", "/admin/tokens/" + reader + "?dryRun=true")
                .token(server.adminToken).send();

        assertThat(createPreview.status()).as(createPreview.body()).isEqualTo(200);
        assertThat(createPreview.json().get("dryRun").asBoolean()).isTrue();
        assertThat(createPreview.json().at("/token/name").asText()).isEqualTo("maybe");
        assertThat(createPreview.body()).doesNotContain("cus_");
        assertThat(bodyPreview.status()).isEqualTo(200);
        assertThat(TestSql.count(db, "SELECT count(*) FROM api_tokens WHERE name = 'maybe'")).isZero();
        assertThat(revokePreview.status()).isEqualTo(200);
        assertThat(revokePreview.json().at("/token/status").asText()).isEqualTo("revoked");
        assertThat(TestSql.value(db, "SELECT revoked_at FROM api_tokens WHERE name = ?", reader)).isNull();
        assertThat(server.request("GET", "/users?limit=1").token(server.readToken).send().status()).isEqualTo(200);
    }

    @Test
    void aTokenIsRefusedOnceItExpires() {
        String secret = create("{\"name\": \"contractor\", \"role\": \"read\", \"expires\": \"12h\"}").json().get("token").asText();
        assertThat(server.request("GET", "/users?limit=1").token(secret).send().status()).isEqualTo(200);

        clock.advance(Duration.ofHours(12));
        HttpResponse refused = server.request("GET", "/users?limit=1").token(secret).send();

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("detail").asText()).contains("'contractor' expired at");
        assertThat(item(server.request("GET", "/admin/tokens").token(server.adminToken).send().json(), "contractor")
                .get("status").asText()).isEqualTo("expired");
    }

    @Test
    void lastUseIsWrittenAtMostOnceAMinute() {
        String secret = create("{\"name\": \"busy\", \"role\": \"read\"}").json().get("token").asText();
        Instant first = clock.instant();
        for (int i = 0; i < 5; i++) {
            server.request("GET", "/users?limit=1").token(secret).send();
        }
        Instant afterFirst = lastUsed("busy");
        clock.advance(Duration.ofSeconds(59));
        server.request("GET", "/users?limit=1").token(secret).send();
        Instant withinTheMinute = lastUsed("busy");
        clock.advance(Duration.ofSeconds(1));
        server.request("GET", "/users?limit=1").token(secret).send();

        assertThat(afterFirst).isEqualTo(first);
        assertThat(withinTheMinute).isEqualTo(first);
        assertThat(lastUsed("busy")).isEqualTo(first.plus(Duration.ofMinutes(1)));
        assertThat(TestSql.count(db, "SELECT counter FROM api_token_revocations"))
                .as("recording a use must not make other instances drop their cached tokens").isZero();
    }

    @Test
    void listingPagesThroughEveryToken() {
        for (int i = 0; i < 5; i++) {
            create("{\"name\": \"page-" + i + "\", \"role\": \"read\"}");
        }
        List<String> names = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = server.request("GET", "/admin/tokens?limit=2" + (next == null ? "" : "&after=" + next))
                    .token(server.adminToken).send().json();
            page.get("items").forEach(item -> names.add(item.get("name").asText()));
            next = page.get("next").isNull() ? null : page.get("next").asText();
        } while (next != null);

        assertThat(names).hasSize(8).doesNotHaveDuplicates().contains("page-0", "page-4");
    }

    private HttpResponse create(String json) {
        return server.request("POST", "/admin/tokens").token(server.adminToken).json(json).send();
    }

    private Instant lastUsed(String name) {
        return ((Timestamp) TestSql.value(db, "SELECT last_used_at FROM api_tokens WHERE name = ?", name)).toInstant();
    }

    private String adminName() {
        return (String) TestSql.value(db, "SELECT name FROM api_tokens WHERE token_sha256 = ?", Tokens.sha256(server.adminToken));
    }

    private String readerName() {
        return (String) TestSql.value(db, "SELECT name FROM api_tokens WHERE token_sha256 = ?", Tokens.sha256(server.readToken));
    }

    private static JsonNode item(JsonNode page, String name) {
        for (JsonNode item : page.get("items")) {
            if (item.get("name").asText().equals(name)) {
                return item;
            }
        }
        throw new AssertionError("no token " + name + " in " + page);
    }
}

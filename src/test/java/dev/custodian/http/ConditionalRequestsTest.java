package dev.custodian.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import org.junit.jupiter.api.Test;

/** If-Match with RFC 9110's strong comparison on writes and reads; If-None-Match gives 304 on reads. */
class ConditionalRequestsTest {
    private final TestServer server = TestServer.shared();

    @Test
    void aStrongTagMatchesItsVersionOnly() {
        long id = TestUsers.createIncidentUser(server);

        HttpResponse stale = patchPhone(id, "\"2\"", "+14155550001");
        HttpResponse current = patchPhone(id, "\"1\"", "+14155550002");

        assertThat(stale.status()).isEqualTo(412);
        assertThat(current.status()).as(current.body()).isEqualTo(200);
        assertThat(current.header("ETag")).isEqualTo("\"2\"");
        assertThat(TestSql.user(server.dataSource(), id).at("/data/phone").asText()).isEqualTo("+14155550002");
    }

    @Test
    void aWeakTagNeverMatchesAndChangesNothing() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse weak = patchPhone(id, "W/\"1\"", "+14155550003");
        HttpResponse weakDelete = server.request("DELETE", "/users/" + id).header("If-Match", "W/\"1\"").send();

        for (HttpResponse response : new HttpResponse[] {weak, weakDelete}) {
            assertThat(response.status()).isEqualTo(412);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat(response.json().get("type").asText()).isEqualTo("/problems/precondition-failed");
            assertThat(response.json().get("detail").asText()).contains("weak", "\"1\"");
        }
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void aStarMatchesAnExistingUserAndFailsOnAMissingOne() {
        long id = TestUsers.createIncidentUser(server);
        long missing = id + 1_000_000;

        HttpResponse existing = patchPhone(id, "*", "+14155550004");
        HttpResponse absent = patchPhone(missing, "*", "+14155550005");
        HttpResponse absentDelete = server.request("DELETE", "/users/" + missing).header("If-Match", "*").send();
        HttpResponse withoutCondition = patchPhone(missing, null, "+14155550006");
        HttpResponse numberOnMissing = patchPhone(missing, "\"1\"", "+14155550007");

        assertThat(existing.status()).as(existing.body()).isEqualTo(200);
        assertThat(TestSql.user(server.dataSource(), id).at("/data/phone").asText()).isEqualTo("+14155550004");
        assertThat(absent.status()).isEqualTo(412);
        assertThat(absent.json().get("detail").asText()).contains("If-Match: *", "does not exist");
        assertThat(absentDelete.status()).isEqualTo(412);
        assertThat(withoutCondition.status()).isEqualTo(404);
        assertThat(numberOnMissing.status()).isEqualTo(404);
        assertThat(TestSql.user(server.dataSource(), missing)).isNull();
    }

    @Test
    void aStarIsNoProofOfHavingSeenWhatAWriteOverwrites() {
        long id = TestUsers.create(server, """
                {"name": "Eve", "email": "%s", "data": {"address": {"city": "Paris"}}}
                """.formatted(TestUsers.uniqueEmail()));
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse put = server.request("PUT", "/users/" + id).header("If-Match", "*")
                .json("{\"name\": \"New\", \"email\": \"" + TestUsers.uniqueEmail() + "\"}").send();
        HttpResponse lossy = server.request("PATCH", "/users/" + id).header("If-Match", "*")
                .body("application/merge-patch+json", "{\"data\": {\"address\": \"12 Rue X\"}}").send();

        assertThat(put.status()).isEqualTo(428);
        assertThat(lossy.status()).isEqualTo(409);
        assertThat(lossy.json().get("type").asText()).isEqualTo("/problems/data-loss-refused");
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void aTagWithoutQuotesOrSeveralTagsAreAMalformedHeader() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse bare = patchPhone(id, "1", "+14155550008");
        HttpResponse list = patchPhone(id, "\"1\", \"2\"", "+14155550009");
        HttpResponse unknownTag = patchPhone(id, "\"v1\"", "+14155550010");

        for (HttpResponse response : new HttpResponse[] {bare, list}) {
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().get("type").asText()).isEqualTo("/problems/bad-request");
            assertThat(response.json().get("detail").asText()).contains("If-Match");
        }
        assertThat(bare.json().get("detail").asText()).contains("double quotes");
        assertThat(unknownTag.status()).isEqualTo(412);
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void ifNoneMatchOnAReadGives304WithTheEtagAndNoBody() {
        long id = TestUsers.createIncidentUser(server);

        HttpResponse same = read(id, "If-None-Match", "\"1\"");
        HttpResponse weakSame = read(id, "If-None-Match", "W/\"1\"");
        HttpResponse any = read(id, "If-None-Match", "*");
        HttpResponse other = read(id, "If-None-Match", "\"7\", \"8\"");
        HttpResponse pastVersion = server.request("GET", "/users/" + id + "?version=1")
                .header("If-None-Match", "\"1\"").send();

        for (HttpResponse response : new HttpResponse[] {same, weakSame, any, pastVersion}) {
            assertThat(response.status()).isEqualTo(304);
            assertThat(response.header("ETag")).isEqualTo("\"1\"");
            assertThat(response.body()).isEmpty();
        }
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.json().get("id").asLong()).isEqualTo(id);
    }

    @Test
    void ifMatchOnAReadIs412UnlessItMatches() {
        long id = TestUsers.createIncidentUser(server);

        assertThat(read(id, "If-Match", "\"1\"").status()).isEqualTo(200);
        assertThat(read(id, "If-Match", "*").status()).isEqualTo(200);
        assertThat(read(id, "If-Match", "\"2\"").status()).isEqualTo(412);
        assertThat(read(id, "If-Match", "W/\"1\"").status()).isEqualTo(412);
        assertThat(read(id + 1_000_000, "If-Match", "*").status()).isEqualTo(412);
    }

    private HttpResponse patchPhone(long id, String ifMatch, String phone) {
        var request = server.request("PATCH", "/users/" + id);
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return request.body("application/merge-patch+json", "{\"data\": {\"phone\": \"" + phone + "\"}}").send();
    }

    private HttpResponse read(long id, String header, String value) {
        return server.request("GET", "/users/" + id).token(server.readToken).header(header, value).send();
    }
}

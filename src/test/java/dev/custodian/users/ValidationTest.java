package dev.custodian.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import org.junit.jupiter.api.Test;

/** What the service accepts: names, emails, and the known keys inside data. */
class ValidationTest {
    private final TestServer server = TestServer.shared();

    @Test
    void createNormalisesPhoneAndCountry() {
        HttpResponse response = server.postJson("/users", """
                {"name": "Flo", "email": "%s", "data": {"phone": "(415) 555-0123", "country": "us", "postalCode": "02134"}}
                """.formatted(TestUsers.uniqueEmail()));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.header("Location")).isEqualTo("/users/" + response.json().get("id").asLong());
        assertThat(response.header("ETag")).isEqualTo("\"1\"");
        JsonNode stored = TestSql.user(server.dataSource(), response.json().get("id").asLong());
        assertThat(TestUsers.data(stored)).isEqualTo(TestSql.parse(
                "{\"phone\": \"+14155550123\", \"country\": \"US\", \"postalCode\": \"02134\"}"));
        assertThat(response.json().get("version").asLong()).isEqualTo(1);
        assertThat(response.json().get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    }

    @Test
    void invalidValuesAreAllReportedAs422AndNothingIsCreated() {
        long before = TestSql.count(server.dataSource(), "SELECT count(*) FROM users");

        HttpResponse response = server.postJson("/users", """
                {"name": "", "email": "not-an-email", "data": {"phone": "12", "country": "XX", "postalCode": 12345}, "role": "x"}
                """);

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/validation");
        assertThat(response.json().get("errors").findValuesAsText("path")).containsExactlyInAnyOrder(
                "/role", "/name", "/email", "/data/phone", "/data/country", "/data/postalCode");
        assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM users")).isEqualTo(before);
    }

    @Test
    void emailIsUniqueIgnoringCase() {
        String email = TestUsers.uniqueEmail();
        TestUsers.create(server, "{\"name\": \"G\", \"email\": \"" + email + "\"}");

        HttpResponse response = server.postJson("/users", "{\"name\": \"H\", \"email\": \"" + email.toUpperCase() + "\"}");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/conflict");
        assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM users WHERE lower(email) = lower(?)", email))
                .isEqualTo(1);
    }

    @Test
    void patchWithInvalidPhoneIs422AndChangesNothing() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse phoneRoute = server.postJson("/phone-number/update/" + id, "{\"phonenumber\": \"call me maybe\"}");
        HttpResponse merge = server.mergePatch("/users/" + id, "{\"data\": {\"phone\": \"123\"}}");
        HttpResponse removeName = server.mergePatch("/users/" + id, "{\"name\": null}");
        HttpResponse dataNotObject = server.mergePatch("/users/" + id, "{\"data\": [1]}");
        HttpResponse jsonPatch = server.jsonPatch("/users/" + id, "[{\"op\": \"replace\", \"path\": \"/data/country\", \"value\": \"Narnia\"}]");

        for (HttpResponse response : new HttpResponse[] {phoneRoute, merge, removeName, dataNotObject, jsonPatch}) {
            assertThat(response.status()).as(response.body()).isEqualTo(422);
            assertThat(response.json().get("errors").size()).isPositive();
        }
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void phoneWithoutCountryCodeUsesTheDefaultRegion() {
        long id = TestUsers.createIncidentUser(server);

        HttpResponse response = server.postJson("/phone-number/update/" + id, "{\"phonenumber\": \"415-555-0100\"}");

        assertThat(response.status()).isEqualTo(200);
        assertThat(TestSql.user(server.dataSource(), id).at("/data/phone").asText()).isEqualTo("+14155550100");
    }
}

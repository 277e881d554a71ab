package dev.custodian.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/** Creating test users through the API, each with a unique email. */
public final class TestUsers {
    private TestUsers() {
    }

    public static String uniqueEmail() {
        return "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "@example.com";
    }

    /** The incident's user: phone, address, country and postal code. */
    public static long createIncidentUser(TestServer server) {
        return create(server, """
                {"name": "Bob", "email": "%s",
                 "data": {"phone": "+14155550000", "address": "2 High St", "country": "US", "postalCode": "94103"}}
                """.formatted(uniqueEmail()));
    }

    public static long create(TestServer server, String json) {
        HttpResponse response = server.postJson("/users", json);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").asLong();
    }

    public static JsonNode data(JsonNode storedUser) {
        return storedUser.get("data");
    }
}

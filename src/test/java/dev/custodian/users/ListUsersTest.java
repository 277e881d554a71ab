package dev.custodian.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestUsers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GET /users: keyset pagination and the email filter. */
class ListUsersTest {
    private final TestServer server = TestServer.shared();

    @Test
    void pagesWalkEveryUserOnceInIdOrder() {
        List<Long> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(TestUsers.createIncidentUser(server));
        }
        List<Long> seen = new ArrayList<>();
        String cursor = Long.toString(created.get(0) - 1);
        for (int page = 0; page < 10 && cursor != null; page++) {
            HttpResponse response = server.get("/users?limit=3&after=" + cursor);
            assertThat(response.status()).isEqualTo(200);
            JsonNode body = response.json();
            assertThat(body.get("items").size()).isLessThanOrEqualTo(3);
            body.get("items").forEach(item -> seen.add(item.get("id").asLong()));
            cursor = body.get("next").isNull() ? null : body.get("next").asText();
        }
        assertThat(seen).containsSubsequence(created).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void emailFilterIgnoresCaseAndSkipsDeletedUsers() {
        String email = TestUsers.uniqueEmail();
        long id = TestUsers.create(server, "{\"name\": \"F\", \"email\": \"" + email + "\"}");

        JsonNode found = server.get("/users?email=" + email.toUpperCase()).json();
        server.request("DELETE", "/users/" + id).send();
        JsonNode afterDelete = server.get("/users?email=" + email).json();

        assertThat(found.get("items")).hasSize(1);
        assertThat(found.at("/items/0/id").asLong()).isEqualTo(id);
        assertThat(found.get("next").isNull()).isTrue();
        assertThat(afterDelete.get("items")).isEmpty();
    }
}

package dev.custodian.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A merge patch that replaces an object with a string names no removal, so the service sends it
 * as its one-statement merge; the database's key-loss guard is what stops it from dropping the
 * object's keys unless the client proved with If-Match that it saw them.
 */
class MergePatchDataLossTest {
    private static final String REPLACE_ADDRESS = "{\"data\": {\"address\": \"12 Rue X\"}}";

    private final TestServer server = TestServer.shared();

    @Test
    void mergePatchReplacingAnObjectWithAStringIsRefusedWithoutIfMatch() {
        long id = createUserWithAddressObject();
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse response = server.mergePatch("/users/" + id, REPLACE_ADDRESS);

        assertThat(response.status()).as(response.body()).isEqualTo(409);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/data-loss-refused");
        assertThat(response.json().get("status").asInt()).isEqualTo(409);
        assertThat(textValues(response.json().get("lost"))).contains("/data/address/city");
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void mergePatchReplacingAnObjectWithAStringIsAppliedWithTheCurrentIfMatch() {
        long id = createUserWithAddressObject();

        HttpResponse response = server.request("PATCH", "/users/" + id).ifMatch(1)
                .body("application/merge-patch+json", REPLACE_ADDRESS).send();

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("ETag")).isEqualTo("\"2\"");
        JsonNode stored = TestSql.user(server.dataSource(), id);
        assertThat(stored.at("/data/address").asText()).isEqualTo("12 Rue X");
        assertThat(stored.at("/data/phone").asText()).isEqualTo("+14155550000");
    }

    private long createUserWithAddressObject() {
        return TestUsers.create(server, """
                {"name": "Eve", "email": "%s", "data": {"phone": "+14155550000", "address": {"city": "Paris"}}}
                """.formatted(TestUsers.uniqueEmail()));
    }

    private static List<String> textValues(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(value -> values.add(value.asText()));
        }
        return values;
    }
}

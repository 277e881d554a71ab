package dev.custodian.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAPI document describes every route the server answers, with the role it needs. */
class OpenApiTest {
    private final TestServer server = TestServer.shared();

    @Test
    void everyRouteIsDescribed() {
        HttpResponse response = server.request("GET", "/openapi.json").token(server.readToken).send();

        assertThat(response.status()).isEqualTo(200);
        JsonNode paths = response.json().get("paths");
        for (String route : List.of("post /users", "get /users", "get /users/{id}", "patch /users/{id}",
                "put /users/{id}", "delete /users/{id}", "post /phone-number/update/{id}", "get /health",
                "get /health/ready", "get /health/live",
                "get /metrics", "get /openapi.json", "get /problems/{slug}", "get /changes", "get /admin/tokens", "post /admin/tokens",
                "delete /admin/tokens/{name}", "post /admin/users/{id}/erase")) {
            String[] parts = route.split(" ");
            assertThat(paths.at("/" + parts[1].replace("/", "~1") + "/" + parts[0] + "/x-role").asText())
                    .as(route).isIn("open", "read", "write", "admin");
        }
    }

}

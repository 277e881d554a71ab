package dev.custodian.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestUsers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HEAD answers wherever GET does, with the same status and headers and no body. */
class HeadRequestsTest {
    private final TestServer server = TestServer.shared();

    @Test
    void headAnswersWithTheStatusAndHeadersOfGetAndNoBody() {
        long id = TestUsers.createIncidentUser(server);
        server.mergePatch("/users/" + id, "{\"data\": {\"country\": \"GB\"}}");
        List<String> paths = List.of("/health", "/users/" + id, "/users/" + id + "?version=1", "/users?limit=2",
                "/users/" + id + "/history", "/users/999999999", "/metrics", "/openapi.json", "/problems/not-found",
                "/admin/tokens", "/admin/backups?limit=1", "/no/such/route");

        for (String path : paths) {
            HttpResponse get = server.request("GET", path).token(server.adminToken).send();
            HttpResponse head = server.request("HEAD", path).token(server.adminToken).send();

            assertThat(head.status()).as("HEAD " + path).isEqualTo(get.status());
            assertThat(head.header("ETag")).as("ETag of HEAD " + path).isEqualTo(get.header("ETag"));
            assertThat(head.contentType()).as("Content-Type of HEAD " + path).isEqualTo(get.contentType());
            assertThat(head.body()).as("body of HEAD " + path).isEmpty();
        }
        assertThat(server.request("HEAD", "/users/" + id).token(server.readToken).send().header("ETag")).isEqualTo("\"2\"");
    }

    @Test
    void headNeedsTheRoleOfTheGetItStandsFor() {
        long id = TestUsers.createIncidentUser(server);

        assertThat(server.request("HEAD", "/health").token(null).send().status()).isEqualTo(200);
        assertThat(server.request("HEAD", "/openapi.json").token(null).send().status()).isEqualTo(200);
        assertThat(server.request("HEAD", "/users/" + id).token(server.readToken).send().status()).isEqualTo(200);
        assertThat(server.request("HEAD", "/users/" + id).token(null).send().status()).isEqualTo(401);
        assertThat(server.request("HEAD", "/admin/tokens").token(server.readToken).send().status()).isEqualTo(403);
        assertThat(server.request("HEAD", "/admin/rollback").token(server.adminToken).send().status()).isEqualTo(405);
    }

    @Test
    void headRevalidatesWithIfNoneMatchLikeGet() {
        long id = TestUsers.createIncidentUser(server);

        HttpResponse head = server.request("HEAD", "/users/" + id).token(server.readToken).header("If-None-Match", "\"1\"").send();

        assertThat(head.status()).isEqualTo(304);
        assertThat(head.header("ETag")).isEqualTo("\"1\"");
    }
}

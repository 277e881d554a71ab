package dev.custodian.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.custodian.Application;
import dev.custodian.auth.Role;
import dev.custodian.config.Settings;
import dev.custodian.testing.TestDatabase;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ConflictResponse;
import io.javalin.http.GoneResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 4xx that Javalin itself raises, and that no rule of ours names, keeps its status: a client
 * must not read a framework's 409 or 410 as a validation failure. The routes here raise them
 * as Javalin's own code does (BadRequestResponse for a body that is not JSON, for example).
 */
class FrameworkErrorsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    private Javalin app;

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void aFrameworkClientErrorKeepsItsStatusAsAProblem() throws Exception {
        Settings settings = Settings.fromEnvironment(Map.of(Settings.DATA_DIR, dataDir.toString())).withHttp("127.0.0.1", 0);
        app = Application.create(settings, TestDatabase.shared(), Clock.systemUTC());
        app.get("/raises/400", ctx -> {
            throw new BadRequestResponse("Content-Type is not application/json");
        }, Role.OPEN);
        app.get("/raises/409", ctx -> {
            throw new ConflictResponse("conflict raised by the framework");
        }, Role.OPEN);
        app.get("/raises/410", ctx -> {
            throw new GoneResponse("gone");
        }, Role.OPEN);
        app.start(0);

        for (int status : new int[] {400, 409, 410}) {
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/raises/" + status)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode problem = MAPPER.readTree(response.body());

            assertThat(response.statusCode()).isEqualTo(status);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(problem.get("status").asInt()).isEqualTo(status);
            assertThat(problem.get("type").asText()).isEqualTo("/problems/bad-request");
            assertThat(problem.get("detail").asText()).isNotBlank();
        }
    }
}

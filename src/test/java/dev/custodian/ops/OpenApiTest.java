package dev.custodian.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.ResponseContract;
import dev.custodian.testing.TestServer;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is the server's contract: it names exactly the routes the server serves,
 * passes a linter, and lists for every operation the statuses it can answer. (That real
 * responses match it is checked on every response a test receives: {@link ResponseContract}.)
 */
class OpenApiTest {
    private static final Set<String> BODY_METHODS = Set.of("post", "put", "patch");

    private final TestServer server = TestServer.shared();
    private final JsonNode document = ResponseContract.instance().document();

    @Test
    void documentNamesExactlyTheRoutesTheServerServes() {
        Set<String> served = new TreeSet<>();
        server.routes().stream().filter(route -> route.getHttpMethod().isHttpMethod())
                .forEach(route -> served.add(route.getHttpMethod().name() + " " + route.getPath()));
        Set<String> documented = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (!method.equals("parameters")) {
                documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        // HEAD is GET's twin (HeadRequests): a HEAD route or operation counts only without its GET.
        served.removeIf(route -> route.startsWith("HEAD ") && served.contains("GET " + route.substring(5)));
        documented.removeIf(route -> route.startsWith("HEAD ") && documented.contains("GET " + route.substring(5)));

        List<String> problems = new ArrayList<>();
        served.stream().filter(route -> !documented.contains(route)).forEach(route -> problems.add(
                "the server serves " + route + ", which openapi.json does not describe: add the operation to it"));
        documented.stream().filter(route -> !served.contains(route)).forEach(route -> problems.add(
                "openapi.json describes " + route + ", which the server does not serve: remove it, or register the route"));
        assertThat(problems).as("routes of the server against src/main/resources/dev/custodian/ops/openapi.json")
                .isEmpty();
        assertThat(served).contains("GET /admin/jobs/{id}", "POST /admin/rollback", "GET /users/{id}");
    }

    @Test
    void documentPassesTheLinter() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(document.toString(), null, options);

        assertThat(result.getMessages()).as("swagger-parser's messages").isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.1");
        assertThat(result.getOpenAPI().getServers()).isNotEmpty();
    }

    @Test
    void everyOperationHasAnIdAndListsTheProblemsItCanAnswer() {
        Set<String> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
            String method = entry.getKey();
            JsonNode operation = entry.getValue();
            String name = method.toUpperCase(Locale.ROOT) + " " + path.getKey();
            if (!operation.path("operationId").isTextual() || !ids.add(operation.get("operationId").asText())) {
                problems.add(name + " has no operationId of its own");
            }
            JsonNode responses = operation.get("responses");
            String role = operation.path("x-role").asText();
            List<String> expected = new ArrayList<>();
            if (!role.equals("open")) {
                expected.addAll(List.of("401", "503"));
            }
            if (role.equals("write") || role.equals("admin")) {
                expected.add("403");
            }
            if (BODY_METHODS.contains(method) && operation.has("requestBody")) {
                expected.addAll(List.of("400", "413", "415", "422"));
            }
            if (method.equals("put")) {
                expected.addAll(List.of("412", "428"));
            }
            if (path.getKey().contains("{")) {
                expected.add("404");
            }
            for (String status : expected) {
                JsonNode response = responses.get(status);
                if (response == null) {
                    problems.add(name + " does not list " + status);
                } else if (!response.path("$ref").asText().equals("#/components/responses/Problem")) {
                    problems.add(name + " does not answer " + status + " with the problem+json response");
                }
            }
            if (operation.path("parameters").toString().contains("\"dryRun\"")
                    && !responses.path("200").path("content").path("application/json").has("schema")) {
                problems.add(name + " takes dryRun but does not list the dry-run report as a 200 body");
            }
        }));

        assertThat(problems).isEmpty();
        assertThat(document.at("/components/schemas/Problem/required")).isNotEmpty();
    }

    @Test
    void servedDocumentIsTheOneEveryResponseIsCheckedAgainst() {
        HttpResponse response = server.request("GET", "/openapi.json").token(null).send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(document);
    }
}

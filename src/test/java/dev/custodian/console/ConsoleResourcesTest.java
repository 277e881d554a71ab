package dev.custodian.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The console's files as the server sends them: open, typed, under a strict Content-Security-Policy. */
class ConsoleResourcesTest {
    private static final Path SOURCES = Path.of("src", "main", "resources", "console");

    private final TestServer server = TestServer.shared();

    @Test
    void thePagesLoadWithoutATokenUnderAPolicyThatAllowsNothingInline() {
        HttpResponse page = server.request("GET", "/console/").token(null).send();
        assertThat(page.status()).isEqualTo(200);
        assertThat(typeOf(page)).isEqualTo("text/html;charset=utf-8");
        String policy = page.header("Content-Security-Policy");
        assertThat(policy).startsWith("default-src 'self';").contains("script-src 'self'", "style-src 'self'",
                "object-src 'none'", "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "*");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\"></script>");

        HttpResponse script = server.request("GET", "/console/views/user.js").token(null).send();
        assertThat(script.status()).isEqualTo(200);
        assertThat(typeOf(script)).isEqualTo("text/javascript;charset=utf-8");
        assertThat(script.header("Content-Security-Policy")).isEqualTo(policy);
        assertThat(typeOf(server.request("GET", "/console/console.css").token(null).send())).isEqualTo("text/css;charset=utf-8");
    }

    @Test
    void theApiStillNeedsATokenAndAMissingFileIsAProblem() {
        assertThat(server.request("GET", "/users").token(null).send().status()).isEqualTo(401);
        assertThat(server.request("GET", "/changes").token(null).send().status()).isEqualTo(401);
        HttpResponse missing = server.request("GET", "/console/nothing.js").token(null).send();
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).isEqualTo("application/problem+json");
    }

    @Test
    void anAddressThatClimbsOutOfTheConsoleIsNotFoundNeverAServerError() {
        for (String path : List.of("/console/../openapi.json", "/console/%2e%2e/openapi.json", "/console/..%2fopenapi.json",
                "/console/views/../../openapi.json")) {
            HttpResponse response = server.request("GET", path).token(null).send();
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.contentType()).as(path).isEqualTo("application/problem+json");
        }
    }

    @Test
    void noScriptOfTheConsoleWritesMarkupAndThePageHasNothingInline() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(path -> path.getFileName().toString()).contains("app.js", "index.html", "dom.js");
        for (Path file : files) {
            String text = Files.readString(file);
            assertThat(text).as(file.toString()).doesNotContain(".innerHTML", "outerHTML", "insertAdjacentHTML",
                    "document.write", "eval(", "new Function");
        }
        String page = Files.readString(SOURCES.resolve("index.html"));
        assertThat(page).doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContainPattern("\\sstyle=")
                .doesNotContainPattern("\\son[a-z]+=").doesNotContain("<style");
    }

    /** The Content-Type, without the optional space before its parameter (Jetty writes both forms). */
    private static String typeOf(HttpResponse response) {
        return response.contentType().replace(" ", "");
    }
}

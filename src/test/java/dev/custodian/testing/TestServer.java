package dev.custodian.testing;

import dev.custodian.Application;
import dev.custodian.auth.Role;
import dev.custodian.auth.Tokens;
import dev.custodian.config.Settings;
import dev.custodian.db.Transactions;
import io.javalin.Javalin;
import io.javalin.event.HandlerMetaInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * The real service on a random port over a real database, with one token of each role, and a
 * small HTTP client to talk to it. {@link #shared()} is one server for the whole run.
 */
public final class TestServer implements AutoCloseable {
    private static TestServer shared;

    private final Javalin app;
    private final List<HandlerMetaInfo> routes;
    private final DataSource dataSource;
    private final String baseUrl;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public final String adminToken;
    public final String writeToken;
    public final String readToken;

    private TestServer(Launched launched, DataSource dataSource, String adminToken, String writeToken,
                       String readToken) {
        this.app = launched.app();
        this.routes = launched.routes();
        this.dataSource = dataSource;
        this.baseUrl = "http://127.0.0.1:" + app.port();
        this.adminToken = adminToken;
        this.writeToken = writeToken;
        this.readToken = readToken;
    }

    public static synchronized TestServer shared() {
        if (shared == null) {
            shared = start(TestDatabase.shared(), settings -> settings);
        }
        return shared;
    }

    /** Starts a server on port 0 over {@code dataSource}, with settings adjusted by {@code tweak}. */
    public static TestServer start(DataSource dataSource, java.util.function.UnaryOperator<Settings> tweak) {
        return start(dataSource, tweak, Clock.systemUTC());
    }

    /** Starts a server whose clock (token expiry and last use, backup times) is {@code clock}. */
    public static TestServer start(DataSource dataSource, java.util.function.UnaryOperator<Settings> tweak, Clock clock) {
        Launched app = launch(dataSource, tweak, clock);
        Tokens tokens = new Tokens(new Transactions(dataSource), clock);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return new TestServer(app, dataSource, tokens.create("admin-" + suffix, Role.ADMIN),
                tokens.create("writer-" + suffix, Role.WRITE), tokens.create("reader-" + suffix, Role.READ));
    }

    /** A server over a database that may be unreachable: no tokens are created. */
    public static TestServer startWithoutTokens(DataSource dataSource) {
        return new TestServer(launch(dataSource, settings -> settings, Clock.systemUTC()), dataSource, null, null, null);
    }

    /** A started server and the handlers it registered, as Javalin told them. */
    private record Launched(Javalin app, List<HandlerMetaInfo> routes) {
    }

    private static Launched launch(DataSource dataSource, java.util.function.UnaryOperator<Settings> tweak, Clock clock) {
        Settings settings = tweak.apply(Settings.fromEnvironment(Map.of(Settings.DATA_DIR, temporaryDirectory().toString()))
                .withHttp("127.0.0.1", 0));
        List<HandlerMetaInfo> routes = new CopyOnWriteArrayList<>();
        Javalin app = Application.create(settings, dataSource, clock, routes::add).start(settings.httpHost(), 0);
        return new Launched(app, List.copyOf(routes));
    }

    /** Every handler the server registered: endpoints, and before and after handlers. */
    public List<HandlerMetaInfo> routes() {
        return routes;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Request request(String method, String path) {
        return new Request(method, path);
    }

    public HttpResponse get(String path) {
        return request("GET", path).send();
    }

    public HttpResponse postJson(String path, String json) {
        return request("POST", path).json(json).send();
    }

    public HttpResponse mergePatch(String path, String json) {
        return request("PATCH", path).body("application/merge-patch+json", json).send();
    }

    public HttpResponse jsonPatch(String path, String json) {
        return request("PATCH", path).body("application/json-patch+json", json).send();
    }

    @Override
    public void close() {
        app.stop();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("custodian-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One request being built: the write token by default, any headers, an optional body. */
    public final class Request {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String body;

        private Request(String method, String path) {
            this.method = method;
            this.path = path;
            headers.put("Authorization", "Bearer " + writeToken);
        }

        public Request token(String token) {
            if (token == null) {
                headers.remove("Authorization");
            } else {
                headers.put("Authorization", "Bearer " + token);
            }
            return this;
        }

        public Request header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Request ifMatch(long version) {
            return header("If-Match", "\"" + version + "\"");
        }

        public Request json(String json) {
            return body("application/json", json);
        }

        public Request body(String contentType, String content) {
            headers.put("Content-Type", contentType);
            this.body = content;
            return this;
        }

        public HttpResponse send() {
            var builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(builder::header);
            try {
                var response = client.send(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                var answer = new HttpResponse(response.statusCode(), response.headers(), response.body());
                ResponseContract.instance().check(method, path, answer);
                return answer;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}

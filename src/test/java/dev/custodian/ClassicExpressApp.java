package dev.custodian;

import dev.custodian.config.DatabaseUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The classic Express + Sequelize application of ../shared/peers/classic-express, copied
 * unchanged into a folder of the test's, its packages installed by npm, run by node on its own
 * database. Not thread-safe, except {@link #post}; close it to stop the process.
 */
final class ClassicExpressApp implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path PEER = Path.of("shared", "peers", "classic-express");

    private final Process process;
    private final Path output;
    private final int port;

    private ClassicExpressApp(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /** Whether {@code node} and {@code npm} can be run here. */
    static boolean nodeAndNpmPresent() {
        return Stream.of("node", "npm").allMatch(command -> {
            try {
                Process version = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
                return version.waitFor(60, TimeUnit.SECONDS) && version.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /**
     * The peer's folder: the one {@code CUSTODIAN_CLASSIC_EXPRESS_DIR} names, else
     * shared/peers/classic-express in a folder above the project, or above the repository it was
     * cloned from (CI tests a clean clone, which may sit anywhere); empty when none has it.
     */
    static Optional<Path> peer() {
        String named = System.getenv("CUSTODIAN_CLASSIC_EXPRESS_DIR");
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named));
        }
        return Stream.concat(Stream.of(Path.of("").toAbsolutePath()), clonedFrom().stream())
                .flatMap(start -> Stream.iterate(start.getParent(), at -> at != null, Path::getParent))
                .map(at -> at.resolve(PEER))
                .filter(at -> Files.isRegularFile(at.resolve("server.js")))
                .findFirst();
    }

    /** The local repository this checkout was cloned from, if it was cloned from a folder. */
    private static Optional<Path> clonedFrom() {
        try {
            Process git = new ProcessBuilder("git", "config", "--get", "remote.origin.url")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String origin = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!git.waitFor(10, TimeUnit.SECONDS) || git.exitValue() != 0 || origin.isEmpty()) {
                return Optional.empty();
            }
            Path folder = Path.of(origin.startsWith("file://") ? URI.create(origin).getPath() : origin);
            return Files.isDirectory(folder) ? Optional.of(folder.toAbsolutePath()) : Optional.empty();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Copies the peer into {@code folder} file by file, unchanged, and runs {@code npm install} there. */
    static void install(Path folder) throws IOException, InterruptedException {
        try (Stream<Path> files = Files.list(peer().orElseThrow())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, folder.resolve(file.getFileName()));
            }
        }
        Path log = folder.resolve("npm-install.log");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund").directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm install failed in " + folder + ":\n" + Files.readString(log));
        }
    }

    /** Starts {@code node server.js} in {@code folder} on the database, waiting until it listens. */
    static ClassicExpressApp start(Path folder, DatabaseUrl database, boolean reset) throws IOException, InterruptedException {
        int port = freePort();
        Path output = Files.createTempFile(folder, "server-", ".log");
        var builder = new ProcessBuilder("node", "server.js").directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(Map.of("DATABASE_URL", postgresUrl(database), "PORT", String.valueOf(port)));
        if (reset) {
            builder.environment().put("RESET", "1");
        }
        var app = new ClassicExpressApp(builder.start(), output, port);
        app.awaitListening();
        return app;
    }

    HttpResponse<String> post(String path, String json) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the application printed, standard output and error together. */
    String output() throws IOException {
        return Files.readString(output);
    }

    private void awaitListening() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!output().contains("classic-express on " + port)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                close();
                throw new IllegalStateException("the classic application did not start:\n" + output());
            }
            Thread.sleep(100);
        }
    }

    /** postgres://user:password@host:port/name, as node-postgres reads it, from a JDBC URL and credentials. */
    private static String postgresUrl(DatabaseUrl database) {
        URI jdbc = URI.create(database.jdbcUrl().substring("jdbc:".length()));
        String user = database.user().orElseGet(() -> query(jdbc, "user").orElse("postgres"));
        String password = database.password().or(() -> query(jdbc, "password")).map(p -> ":" + p).orElse("");
        return "postgres://" + user + password + "@" + jdbc.getHost() + ":" + jdbc.getPort() + jdbc.getPath();
    }

    private static java.util.Optional<String> query(URI uri, String name) {
        return uri.getRawQuery() == null ? java.util.Optional.empty() : List.of(uri.getRawQuery().split("&")).stream()
                .filter(pair -> pair.startsWith(name + "="))
                .map(pair -> URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8)).findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

package dev.custodian.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code dev.custodian.Main} run in a child JVM on the test's own classpath, as an operator
 * runs the jar: its own process, environment and exit code, its standard output and error in
 * files. The environment is the test's without any {@code CUSTODIAN_*} variable, plus what the
 * test passes. Not thread-safe; close it to stop the child.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final int port;

    private ServiceProcess(Process process, Path stdout, Path stderr, int port) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
    }

    /** The JVM options of a child service, which also keep {@code serve} in that JVM. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m");

    /** {@code serve} on a free port over the embedded database in {@code dataDir}. */
    public static ServiceProcess serve(Path dataDir, Map<String, String> environment) {
        return serve(dataDir, environment, JVM_OPTIONS);
    }

    /** {@code serve} started as the README starts it: a JVM without options. */
    public static ServiceProcess serveWithoutJvmOptions(Path dataDir, Map<String, String> environment) {
        return serve(dataDir, environment, List.of());
    }

    private static ServiceProcess serve(Path dataDir, Map<String, String> environment, List<String> jvmOptions) {
        int port = freePort();
        return run(dataDir, environment, port, jvmOptions,
                "serve", "--port", Integer.toString(port), "--data-dir", dataDir.toString());
    }

    /** Any command line; its output goes to files in {@code workDir}. */
    public static ServiceProcess run(Path workDir, Map<String, String> environment, String... arguments) {
        return run(workDir, environment, 0, JVM_OPTIONS, arguments);
    }

    private static ServiceProcess run(Path workDir, Map<String, String> environment, int port, List<String> jvmOptions,
                                      String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.custodian.Main"));
        command.addAll(List.of(arguments));
        try {
            Files.createDirectories(workDir);
            Path stdout = Files.createTempFile(workDir, "stdout-", ".log");
            Path stderr = Files.createTempFile(workDir, "stderr-", ".log");
            var builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("CUSTODIAN_"));
            builder.environment().putAll(environment);
            return new ServiceProcess(builder.start(), stdout, stderr, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** Waits until {@code /health} answers 200; fails with the child's output if it exits or the time runs out. */
    public ServiceProcess awaitReady(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("the service exited early:\n%s", stderr()).isTrue();
            if (answersReady()) {
                return this;
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("the service was not ready within " + limit + ":\n" + stderr());
    }

    private boolean answersReady() throws InterruptedException {
        try {
            var request = HttpRequest.newBuilder(URI.create(baseUrl() + "/health")).timeout(Duration.ofSeconds(2)).build();
            return CLIENT.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** One request to the running service with a bearer token; {@code json} is the body, or null for none. */
    public HttpResponse send(String method, String path, String token, String json) throws InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            var response = CLIENT.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new HttpResponse(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a line of the child's standard error contains {@code text}, and returns that line. */
    public String awaitStderrLine(String text, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            var line = stderr().lines().filter(candidate -> candidate.contains(text)).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            assertThat(process.isAlive()).as("the service exited early:\n%s", stderr()).isTrue();
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("no line with '" + text + "' within " + limit + ":\n" + stderr());
    }

    /** Waits for the child to exit by itself and returns its exit code. */
    public int awaitExit(Duration limit) throws InterruptedException {
        assertThat(process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
                .as("the command did not exit within %s:\n%s", limit, stderr()).isTrue();
        return process.exitValue();
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL, as the kernel's OOM killer or {@code docker kill} would: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the graceful stop. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }
}

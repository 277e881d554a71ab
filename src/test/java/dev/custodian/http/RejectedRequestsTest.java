package dev.custodian.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.custodian.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Requests Jetty refuses before any route sees them are answered as RFC 9457 problems like any
 * other error, never with Jetty's HTML page. They are sent over a plain socket: an HTTP client
 * would not send them.
 */
class RejectedRequestsTest {
    private final TestServer server = TestServer.shared();

    @Test
    void aUriThatCannotBeDecodedIs400() {
        assertBadRequest(send("GET /users/1%00 HTTP/1.1"), 400);
        assertBadRequest(send("GET /users/%zz HTTP/1.1"), 400);
        assertBadRequest(send("PATCH /users/1%u0000 HTTP/1.1"), 400);
    }

    @Test
    void malformedHeadersAre400() {
        assertBadRequest(send("GET /users/1 HTTP/1.1", "Bad Header: x"), 400);
        assertBadRequest(send("POST /users HTTP/1.1", "Content-Length: ten"), 400);
        assertBadRequest(send("GET http://elsewhere.example/users/1 HTTP/1.1"), 400);
    }

    @Test
    void aUriOrHeadersTooLongAre414And431() {
        assertBadRequest(send("GET /users/" + "1".repeat(10_000) + " HTTP/1.1"), 414);
        assertBadRequest(send("GET /users/1 HTTP/1.1", "X-Big: " + "x".repeat(10_000)), 431);
    }

    @Test
    void anUnknownHttpVersionOrExpectationIsRefusedAsAProblem() {
        assertBadRequest(send("GET /users/1 HTTP/7.1"), 505);
        assertBadRequest(send("POST /users HTTP/1.1", "Expect: 200-ok", "Content-Length: 2"), 417);
    }

    @Test
    void aRequestForTheAsteriskIs400WithItsInstance() {
        Raw response = send("GET * HTTP/1.1");

        assertBadRequest(response, 400);
        assertThat(response.json().get("instance").asText()).isEqualTo("*");
    }

    @Test
    void headOfARefusedRequestHasTheProblemHeadersAndNoBody() {
        Raw response = send("HEAD /users/1%00 HTTP/1.1");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers().get("content-type")).isEqualTo(ProblemResponses.CONTENT_TYPE);
        assertThat(response.body()).isEmpty();
    }

    private static void assertBadRequest(Raw response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.headers().get("content-type")).as(response.toString()).isEqualTo(ProblemResponses.CONTENT_TYPE);
        JsonNode body = response.json();
        assertThat(body.get("type").asText()).isEqualTo("/problems/bad-request");
        assertThat(body.get("title").asText()).isEqualTo("Bad request");
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asText()).isNotBlank();
        assertThat(body.get("requestId").asText()).isEqualTo(response.headers().get("x-request-id")).isNotBlank();
    }

    /** Sends the request line and headers as written (plus Host and Connection: close); reads until the server closes. */
    private Raw send(String requestLine, String... headers) {
        URI base = URI.create(server.baseUrl());
        var request = new StringBuilder(requestLine).append("\r\nHost: localhost\r\n");
        request.append("Authorization: Bearer ").append(server.writeToken).append("\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return Raw.parse(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A response as read off the wire: status, headers by lower-case name, body. */
    private record Raw(int status, Map<String, String> headers, String body) {
        static Raw parse(String text) {
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            var headers = new LinkedHashMap<String, String>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }

        JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }
}

package dev.custodian.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;

/**
 * Jetty's error handler, answering through {@link ProblemResponses} instead of an HTML page.
 * Jetty calls it for the requests it refuses before any route sees them: while parsing (a URI
 * it cannot decode such as {@code /users/1%00}, headers or a URI too long, an unknown HTTP
 * version: {@link #badMessageError}) and when it sends an error itself (a request for
 * {@code *}, a failure outside Javalin: {@link #generateAcceptableResponse}). Thread-safe
 * (stateless).
 */
final class RejectedRequests extends ErrorHandler {

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        ProblemResponses.Answer answer = ProblemResponses.refused(status, reason, null, null);
        answer.headers().forEach(fields::put);
        return BufferUtil.toBuffer(answer.body(), StandardCharsets.UTF_8);
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                              HttpServletResponse response, int code, String message)
            throws IOException {
        ProblemResponses.Answer answer = ProblemResponses.refused(code, message, request.getRequestURI(),
                (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
        baseRequest.setHandled(true);
        answer.headers().forEach(response::setHeader);
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}

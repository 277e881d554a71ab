package dev.custodian.ops;

import dev.custodian.http.ProblemType;
import java.util.Optional;
import java.util.Set;

/**
 * A request once it is answered, as the access log and the request metrics see it: no path
 * parameters, query, headers or body, only values from small, known sets (and the request id
 * and actor, which go to the log, never into a metric label).
 *
 * @param method    the HTTP method
 * @param route     the route template it matched ({@code /users/{id}}), or {@link RequestObserver#UNMATCHED}
 * @param status    the status code answered
 * @param millis    time from the request's arrival to its answer
 * @param requestId the request id ({@code X-Request-Id})
 * @param actor     the authenticated token's actor, when the route needed one
 * @param problem   the problem type answered, when it failed
 */
record FinishedRequest(String method, String route, int status, double millis, String requestId,
                       Optional<String> actor, Optional<ProblemType> problem) {
    private static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");

    boolean isWrite() {
        return WRITE_METHODS.contains(method);
    }

    /** {@code ok} for a success, else the problem's slug ({@code data-loss-refused}, ...). */
    String result() {
        return problem.map(ProblemType::slug).orElse(status < 400 ? "ok" : "error");
    }
}

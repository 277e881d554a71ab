package dev.custodian.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per answered request: method, route template, status, duration, request id
 * and actor. Never the path's values, the query, headers or bodies, which can carry tokens and
 * personal data. The fields are also key-value pairs, which the JSON log format writes as
 * fields of their own. Thread-safe.
 */
final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    void write(FinishedRequest request) {
        String actor = request.actor().orElse("-");
        double millis = Math.round(request.millis() * 10) / 10.0;
        log.atInfo()
                .addKeyValue("method", request.method())
                .addKeyValue("route", request.route())
                .addKeyValue("status", request.status())
                .addKeyValue("durationMs", millis)
                .addKeyValue("requestId", request.requestId())
                .addKeyValue("actor", actor)
                .log("{} {} {} {} ms request={} actor={}", request.method(), request.route(), request.status(),
                        millis, request.requestId(), actor);
    }
}

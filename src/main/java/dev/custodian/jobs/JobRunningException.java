package dev.custodian.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.ApiException;
import dev.custodian.http.ProblemType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A rollback or restore refused because another one runs: 409, naming that job when its row does. */
final class JobRunningException extends ApiException {
    JobRunningException(Optional<ObjectNode> running) {
        super(ProblemType.CONFLICT, detail(running), List.of(),
                running.map(job -> Map.<String, Object>of("job", job.get("location").asText())).orElse(Map.of()));
    }

    private static String detail(Optional<ObjectNode> running) {
        return running.map(job -> "a " + job.get("kind").asText() + " is running as job " + job.get("id").asText()
                        + " (started " + job.get("startedAt").asText() + " by " + job.get("actor").asText()
                        + "); one rollback or restore runs at a time: follow it at " + job.get("location").asText()
                        + " and send this request again when it has finished")
                .orElse("another rollback or restore is running on an instance sharing this database;"
                        + " send this request again when it has finished");
    }
}

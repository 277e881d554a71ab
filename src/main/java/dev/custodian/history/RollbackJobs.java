package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.db.Transactions;
import dev.custodian.http.Json;
import dev.custodian.jobs.JobKind;
import dev.custodian.jobs.JobRequest;
import dev.custodian.jobs.PlannedJob;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;
import java.util.List;

/**
 * A rollback made ready to run as a job, the same for {@code POST /admin/rollback} and the
 * {@code rollback} command: the body checked, the users it goes through found, and the work that
 * rolls them back. Thread-safe.
 */
public final class RollbackJobs {
    private final Rollbacks rollbacks;

    public RollbackJobs(Transactions transactions) {
        this(new Rollbacks(transactions, new HistoryStore(), new TrackedWrites(transactions, TrackedTable.USERS)));
    }

    RollbackJobs(Rollbacks rollbacks) {
        this.rollbacks = rollbacks;
    }

    /** The rollback the body asks for ({@code dryRun} also when the query says so); 422 naming each invalid field. */
    public PlannedJob plan(JsonNode body, boolean dryRun, String actor, String requestId) {
        RollbackRequest request = RollbackRequest.parse(body, dryRun);
        List<Long> users = rollbacks.usersOf(request);
        var job = new JobRequest(JobKind.ROLLBACK, actor, requestId, request.toJson(), users.size());
        return new PlannedJob(job, progress ->
                Json.MAPPER.valueToTree(rollbacks.rollBack(request, users, actor, requestId, progress)));
    }
}

package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.db.Transactions;
import dev.custodian.http.Json;
import dev.custodian.jobs.JobKind;
import dev.custodian.jobs.JobRequest;
import dev.custodian.jobs.PlannedJob;
import java.util.List;

/**
 * A rollback made ready to run as a job, the same for {@code POST /admin/rollback} and the
 * {@code rollback} command: the body checked, the table it names found (users when it names
 * none), the rows it goes through found, and the work that rolls them back. Thread-safe.
 */
public final class RollbackJobs {
    private final TableHistories tables;

    public RollbackJobs(Transactions transactions) {
        this(new TableHistories(transactions));
    }

    RollbackJobs(TableHistories tables) {
        this.tables = tables;
    }

    /**
     * The rollback the body asks for ({@code dryRun} also when the query says so); 422 naming
     * each invalid field, 404 for a table that is not adopted.
     */
    public PlannedJob plan(JsonNode body, boolean dryRun, String actor, String requestId) {
        RollbackRequest request = RollbackRequest.parse(body, dryRun);
        Rollbacks rollbacks = (request.table() == null ? tables.users() : tables.adopted(request.table())).rollbacks;
        List<String> keys = rollbacks.keysOf(request);
        var job = new JobRequest(JobKind.ROLLBACK, actor, requestId, request.toJson(), keys.size());
        return new PlannedJob(job, progress ->
                Json.MAPPER.valueToTree(rollbacks.rollBack(request, keys, actor, requestId, progress)));
    }
}

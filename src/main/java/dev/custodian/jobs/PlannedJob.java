package dev.custodian.jobs;

/** A rollback or restore ready to run: what it is, for its row, and the work itself. Immutable. */
public record PlannedJob(JobRequest request, JobWork work) {
}

package dev.custodian.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rollback or restore about to run: who asks, under which request id, what they asked (kept
 * with the job), and how many users it will go through, as far as that is known beforehand.
 * Immutable.
 */
public record JobRequest(JobKind kind, String actor, String requestId, JsonNode request, long users) {
}

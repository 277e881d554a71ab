package dev.custodian.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/** What {@link Jobs#submit} did: ran the work to its end, or started a job that goes on. */
public sealed interface JobOutcome {
    /** The work ran in the caller's thread; {@code report} is its final report. */
    record Finished(ObjectNode report) implements JobOutcome {
    }

    /** A job goes on in the background; {@code job} is its representation now. */
    record Started(UUID id, ObjectNode job) implements JobOutcome {
    }
}

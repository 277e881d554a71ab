package dev.custodian.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The work of a job: it tells its progress as it goes and returns its final report. */
@FunctionalInterface
public interface JobWork {
    ObjectNode run(ProgressListener progress);
}

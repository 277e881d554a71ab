package dev.custodian.jobs;

/** Told a job's progress as it goes, from the thread that runs the job. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener IGNORED = progress -> { };

    void update(Progress progress);
}

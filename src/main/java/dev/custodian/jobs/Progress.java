package dev.custodian.jobs;

/**
 * How far a job is: users it has finished of those it will go through, the changes it undid
 * (a rollback) and the conflicts it met so far (paths a rollback kept, users a restore kept).
 * Immutable.
 */
public record Progress(long usersTotal, long usersDone, long changesUndone, long conflicts) {
    public static final Progress NONE = new Progress(0, 0, 0, 0);

    public Progress plus(long users, long undone, long conflicted) {
        return new Progress(usersTotal, usersDone + users, changesUndone + undone, conflicts + conflicted);
    }
}

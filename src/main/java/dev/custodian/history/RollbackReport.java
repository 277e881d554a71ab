package dev.custodian.history;

import java.util.List;

/**
 * What a rollback did (or, for a dry run, would do): how many users it changed, how many
 * changes it undid, the paths it kept because a later change outside the rollback touched
 * them, and the users it could not roll back, each left untouched.
 */
record RollbackReport(boolean dryRun, int usersAffected, int changesUndone, List<Conflict> conflicts,
                      List<Failure> failed) {

    /** A path of a user left as it is; {@code keptVersion} is the latest change that set it. */
    record Conflict(long userId, String path, long keptVersion) {
    }

    /** A user the rollback left untouched, and why. */
    record Failure(long userId, String detail) {
    }
}

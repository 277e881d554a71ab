package dev.custodian.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.custodian.tracked.TrackedTable;
import java.util.List;

/**
 * What a rollback did (or, for a dry run, would do): how many rows it changed, how many changes
 * it undid, the paths it kept because a later change outside the rollback touched them, and the
 * rows it could not roll back, each left untouched. A rollback of users names them by
 * {@code userId} and counts {@code usersAffected}; one of an adopted table names its
 * {@code table}, its rows by {@code key}, and counts {@code rowsAffected}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RollbackReport(String table, boolean dryRun, Integer usersAffected, Integer rowsAffected, int changesUndone,
                      List<Conflict> conflicts, List<Failure> failed) {

    static RollbackReport of(TrackedTable table, boolean dryRun, int affected, int changesUndone,
                             List<Conflict> conflicts, List<Failure> failed) {
        boolean users = table.equals(TrackedTable.USERS);
        return new RollbackReport(users ? null : table.name(), dryRun, users ? affected : null,
                users ? null : affected, changesUndone, conflicts, failed);
    }

    /** A path of a row left as it is; {@code keptVersion} is the latest change that set it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Conflict(Long userId, String key, String path, long keptVersion) {
        static Conflict of(TrackedTable table, String key, String path, long keptVersion) {
            return table.equals(TrackedTable.USERS)
                    ? new Conflict(Long.parseLong(key), null, path, keptVersion) : new Conflict(null, key, path, keptVersion);
        }
    }

    /** A row the rollback left untouched, and why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Failure(Long userId, String key, String detail) {
        static Failure of(TrackedTable table, String key, String detail) {
            return table.equals(TrackedTable.USERS)
                    ? new Failure(Long.parseLong(key), null, detail) : new Failure(null, key, detail);
        }
    }
}

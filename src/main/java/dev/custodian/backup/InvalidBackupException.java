package dev.custodian.backup;

import dev.custodian.http.ApiException;
import dev.custodian.http.ProblemType;
import java.util.List;
import java.util.Map;

/**
 * A backup file that cannot be trusted or read: missing parts, a failed checksum, an unknown
 * format, a newer schema. Answered as 422 {@code backup-invalid}; the detail names the backup
 * and what is wrong, and nothing in the database has been changed when it is thrown.
 */
public final class InvalidBackupException extends ApiException {
    private final String problem;

    InvalidBackupException(String id, String problem) {
        this(id, problem, List.of());
    }

    InvalidBackupException(String id, String problem, List<Check> checks) {
        super(ProblemType.BACKUP_INVALID, "backup '" + id + "' is invalid: " + problem, List.of(),
                checks.isEmpty() ? Map.of("backupId", id) : Map.of("backupId", id, "checks", checks));
        this.problem = problem;
    }

    /** What is wrong, without the backup's id. */
    public String problem() {
        return problem;
    }
}

package dev.custodian.tracked;

/**
 * What erasing a row did, or would do in a dry run: whether it removed a row (there is none
 * after a hard delete), how many history entries lost their values (the erasure's own entry
 * included), when the row's history starts (so that backups taken since can be named), and the
 * register's entry (its id is 0 in a dry run, which records nothing). Immutable.
 */
public record Erasure(String key, boolean dryRun, long rows, long historyEntries, String firstRecordedAt,
                      ErasureRegister.Entry entry) {
}

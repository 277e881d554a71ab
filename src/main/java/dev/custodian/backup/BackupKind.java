package dev.custodian.backup;

import java.util.Locale;

/**
 * Why a backup was taken. Only {@link #SCHEDULED} backups are pruned by count; backups of every
 * kind are deleted once older than {@code CUSTODIAN_BACKUP_MAX_AGE} ({@link BackupExpiry}).
 */
public enum BackupKind {
    /** Asked for through the API or the command line. */
    MANUAL,
    /** Taken by the schedule ({@code CUSTODIAN_BACKUP_EVERY}); pruned beyond {@code CUSTODIAN_BACKUP_KEEP}. */
    SCHEDULED,
    /** Taken by a restore just before it changes anything, so the restore itself can be undone. */
    SAFETY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static BackupKind parse(String text) {
        for (BackupKind kind : values()) {
            if (kind.label().equals(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown backup kind '" + text + "'");
    }
}

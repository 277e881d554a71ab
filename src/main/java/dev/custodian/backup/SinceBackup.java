package dev.custodian.backup;

import java.util.Locale;

/**
 * What happened since the backup to a user that now differs from it, as the live history tells:
 * history entries the backup does not hold, by their {@code source}. A full restore returns
 * {@link #DAMAGED} users to the backup and keeps the others unless the request names them.
 */
public enum SinceBackup {
    /** Changed only outside the API (history {@code source = 'sql'}), or with no history at all: brought back. */
    DAMAGED,
    /** Changed only through the API: those writes were acknowledged to a client, so kept. */
    WRITTEN,
    /** Changed both outside and through the API: kept, because returning it would undo acknowledged writes. */
    CONFLICT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

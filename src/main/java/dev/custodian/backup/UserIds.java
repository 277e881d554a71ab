package dev.custodian.backup;

import java.util.List;
import java.util.Map;

/**
 * A set of users in a restore report: how many, and the smallest of their ids (at most
 * {@link #LISTED}, so a report stays small when a restore touches a million users). Immutable.
 */
public record UserIds(long count, List<Long> ids) {
    /** Ids listed per set; {@link #count} tells when there are more. */
    public static final int LISTED = 100;
    public static final UserIds NONE = new UserIds(0, List.of());

    public UserIds {
        ids = List.copyOf(ids);
    }

    /** How many users the sets hold together. */
    static long total(Map<SinceBackup, UserIds> sets) {
        return sets.values().stream().mapToLong(UserIds::count).sum();
    }
}

package dev.custodian.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * What a restore did, or would do in a dry run: how many users it restored to their backed-up
 * state, created again (missing from the table), soft-deleted (created after the backup) and
 * left alone (already as in the backup); which users that differ from the backup it returned to
 * it and which it kept as they are, by what happened to them since ({@link SinceBackup}); how
 * many lost history entries it put back; which users of the backup it skipped because they were
 * erased ({@code erased}); which erasures of the file's own register it added to this database's
 * ({@code erasuresAdded}); and the safety backup taken before, which holds the
 * state it replaced. Its changes are recorded in history with op {@code restore}, at {@link #at}
 * under {@link #requestId}; the JSON form carries the body of {@code POST /admin/rollback} that
 * undoes them. Immutable.
 */
public record RestoreReport(boolean dryRun, String backupId, Long userId, String safetyBackupId, long restored,
                            long created, long softDeleted, long unchanged, long historyRestored,
                            Map<SinceBackup, UserIds> returned, Map<SinceBackup, UserIds> kept, UserIds erased,
                            UserIds erasuresAdded, String actor,
                            String requestId, String at) {

    public RestoreReport {
        returned = Map.copyOf(returned);
        kept = Map.copyOf(kept);
    }

    /** The state changes the restore made (each one a history entry with op restore). */
    public long changed() {
        return restored + created + softDeleted;
    }

    /** How many users differ from the backup and were left as they are. */
    public long keptCount() {
        return UserIds.total(kept);
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("dryRun", dryRun);
        node.put("backupId", backupId);
        if (userId == null) {
            node.putNull("userId");
        } else {
            node.put("userId", userId);
        }
        node.put("safetyBackupId", safetyBackupId);
        node.put("restored", restored);
        node.put("created", created);
        node.put("softDeleted", softDeleted);
        node.put("unchanged", unchanged);
        node.put("historyRestored", historyRestored);
        putSets(node.putObject("returned"), returned);
        putSets(node.putObject("kept"), kept);
        putIds(node.putObject("erased"), erased);
        putIds(node.putObject("erasuresAdded"), erasuresAdded);
        node.put("actor", actor);
        node.put("requestId", requestId);
        node.put("at", at);
        if (!dryRun && changed() > 0) {
            // The body of POST /admin/rollback that undoes this restore: its entries share one time.
            ObjectNode rollback = node.putObject("rollback");
            rollback.put("from", at);
            rollback.put("to", BackupWriter.TIME.format(Instant.parse(at).plus(1, ChronoUnit.MICROS)));
            rollback.put("actor", actor);
        }
        return node;
    }

    /** One member per kind of user, in a fixed order, each {@code {"count", "ids"}}. */
    private static void putSets(ObjectNode node, Map<SinceBackup, UserIds> sets) {
        for (SinceBackup since : SinceBackup.values()) {
            putIds(node.putObject(since.label()), sets.getOrDefault(since, UserIds.NONE));
        }
    }

    private static void putIds(ObjectNode set, UserIds users) {
        set.put("count", users.count());
        var ids = set.putArray("ids");
        users.ids().forEach(ids::add);
    }
}

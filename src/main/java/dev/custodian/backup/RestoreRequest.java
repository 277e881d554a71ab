package dev.custodian.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.ApiException;
import dev.custodian.http.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a restore is asked to do. With {@code userId}: return that one user to the backup,
 * whatever happened to it since. Without: return every user that was {@link SinceBackup#DAMAGED
 * damaged}, and besides them only the users named in {@code overwrite} (or all, with {@code
 * overwriteAll}); never those named in {@code keep}. Immutable; checked when built, with errors
 * that name the field.
 *
 * @param userId       the one user to restore, or null for all
 * @param overwriteAll return users written through the API since the backup too
 * @param overwrite    users to return although the API wrote them since the backup
 * @param keep         users to leave as they are, even when damaged
 * @param dryRun       report only, change nothing
 */
public record RestoreRequest(Long userId, boolean overwriteAll, SortedSet<Long> overwrite, SortedSet<Long> keep,
                             boolean dryRun) {

    public RestoreRequest {
        overwrite = Collections.unmodifiableSortedSet(new TreeSet<>(overwrite));
        keep = Collections.unmodifiableSortedSet(new TreeSet<>(keep));
        List<ApiException.FieldError> errors = new ArrayList<>();
        if (userId != null && (overwriteAll || !overwrite.isEmpty() || !keep.isEmpty())) {
            errors.add(new ApiException.FieldError(overwriteAll || !overwrite.isEmpty() ? "/overwrite" : "/keep",
                    "a one-user restore returns the user it names; overwrite and keep apply to a restore of all users"));
        }
        var both = new TreeSet<>(overwrite);
        both.retainAll(keep);
        if (!both.isEmpty()) {
            errors.add(new ApiException.FieldError("/keep",
                    "users " + both + " are also named in overwrite; name each in one"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
    }

    /** The body of {@code POST /admin/backups/{id}/restore}, already checked for unknown fields and dryRun. */
    static RestoreRequest parse(JsonNode body, boolean dryRun) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        JsonNode one = body.get("userId");
        Long userId = one == null || one.isNull() ? null : userId(one, "/userId", errors);
        JsonNode overwrite = body.get("overwrite");
        boolean all = overwrite != null && overwrite.isTextual() && overwrite.asText().equals("all");
        SortedSet<Long> named = all ? new TreeSet<>() : userIds(overwrite, "/overwrite", "\"all\" or ", errors);
        SortedSet<Long> keep = userIds(body.get("keep"), "/keep", "", errors);
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        return new RestoreRequest(userId, all, named, keep, dryRun);
    }

    /** The request as a body would state it, with the backup it restores; kept with the job that runs it. */
    ObjectNode toJson(String backupId) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("backupId", backupId);
        node.put("userId", userId);
        if (overwriteAll) {
            node.put("overwrite", "all");
        } else {
            overwrite.forEach(node.putArray("overwrite")::add);
        }
        keep.forEach(node.putArray("keep")::add);
        node.put("dryRun", dryRun);
        return node;
    }

    /** Ids named in the body and the fields that name them, for a check against the backup and the table. */
    List<Named> named() {
        return List.of(new Named("/overwrite", overwrite), new Named("/keep", keep));
    }

    /** Users one field names. */
    record Named(String field, Set<Long> ids) {
    }

    private static SortedSet<Long> userIds(JsonNode value, String path, String alternative,
                                           List<ApiException.FieldError> errors) {
        var ids = new TreeSet<Long>();
        if (value == null || value.isNull()) {
            return ids;
        }
        if (!value.isArray()) {
            errors.add(new ApiException.FieldError(path, "must be " + alternative + "a list of user ids"));
            return ids;
        }
        for (int i = 0; i < value.size(); i++) {
            Long id = userId(value.get(i), path + "/" + i, errors);
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static Long userId(JsonNode value, String path, List<ApiException.FieldError> errors) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
            errors.add(new ApiException.FieldError(path, "must be a user id, a positive whole number"));
            return null;
        }
        return value.asLong();
    }
}

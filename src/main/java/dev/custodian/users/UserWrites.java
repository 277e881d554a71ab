package dev.custodian.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.ApiException;
import dev.custodian.http.ProblemType;
import dev.custodian.patch.JsonPatch;
import dev.custodian.patch.JsonPointer;
import dev.custodian.patch.MergePatch;
import dev.custodian.tracked.TrackedWrites;
import dev.custodian.tracked.WriteRequest;
import dev.custodian.tracked.Written;
import java.util.List;

/**
 * Every write of a user: validates what the client sent, says which paths the request names for
 * removal, and hands the write to the pipeline. What a write would lose beyond that is the
 * database's to refuse (its key-loss guard), unless If-Match shows the client saw what it
 * overwrites. Thread-safe.
 */
final class UserWrites {
    private final TrackedWrites writes;
    private final UserValidator validator;

    UserWrites(TrackedWrites writes, UserValidator validator) {
        this.writes = writes;
        this.validator = validator;
    }

    Written create(WriteRequest request, JsonNode body) {
        return writes.create(request, validator.complete(body).toState());
    }

    Written mergePatch(WriteRequest request, long id, JsonNode patch) {
        ObjectNode normalised = validator.mergePatch(patch);
        return writes.merge(request.naming(paths(MergePatch.removals(normalised))), Long.toString(id), normalised);
    }

    Written jsonPatch(WriteRequest request, long id, JsonNode operations) {
        JsonPatch patch = JsonPatch.parse(operations);
        return writes.change(request.naming(paths(patch.removals())), Long.toString(id), (current, connection) -> {
            UserDocument before = UserDocument.from(current.state());
            return validator.changed(patch.apply(before.toJson()), before).toState();
        });
    }

    /** PUT: the client sends the whole document and must prove with If-Match that it saw the old one. */
    Written replace(WriteRequest request, long id, JsonNode body) {
        if (request.ifMatch().isEmpty()) {
            throw new ApiException(ProblemType.PRECONDITION_REQUIRED,
                    "PUT replaces the whole user; send If-Match with the current version (the ETag of GET /users/" + id + ")");
        }
        UserDocument document = validator.complete(body);
        return writes.change(request.withOp("replace"), Long.toString(id), (current, connection) -> document.toState());
    }

    Written delete(WriteRequest request, long id) {
        return writes.change(request, Long.toString(id),
                (current, connection) -> ((ObjectNode) current.state().deepCopy()).put("deleted", true));
    }

    private static List<String> paths(List<JsonPointer> pointers) {
        return pointers.stream().map(JsonPointer::toString).toList();
    }
}

package dev.custodian.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.db.Transactions;
import dev.custodian.http.ApiException;
import dev.custodian.http.ProblemType;
import dev.custodian.patch.DataLoss;
import dev.custodian.patch.JsonPatch;
import dev.custodian.patch.JsonPointer;
import dev.custodian.patch.MergePatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Every write of a user, each as one transaction. The common merge patch is one statement;
 * anything that must see the current state first (a JSON patch, a replacement, a merge patch
 * that removes keys, any dry run) locks the row, computes the new state, and checks that it
 * drops nothing the request did not name, unless If-Match shows the client saw what it
 * overwrites. Dry runs do the same work in a transaction that is rolled back. Thread-safe.
 */
final class UserWrites {
    private final Transactions transactions;
    private final UserStore store;
    private final UserValidator validator;

    UserWrites(Transactions transactions, UserStore store, UserValidator validator) {
        this.transactions = transactions;
        this.store = store;
        this.validator = validator;
    }

    /** A new state computed from the current document, with the paths it names for removal. */
    record Proposal(JsonNode after, List<JsonPointer> removals) {
    }

    private interface Change {
        Proposal propose(UserDocument current);
    }

    WriteOutcome create(WriteRequest request, JsonNode body) {
        UserDocument document = validator.complete(body);
        return run(request, connection -> new WriteOutcome(null, store.insert(connection, document)));
    }

    WriteOutcome mergePatch(WriteRequest request, long id, JsonNode patch) {
        ObjectNode normalised = validator.mergePatch(patch);
        List<JsonPointer> removals = MergePatch.removals(normalised);
        if (removals.isEmpty() && !request.dryRun()) {
            return mergeInOneStatement(request, id, normalised);
        }
        return change(request, id, current -> new Proposal(MergePatch.apply(current.toJson(), normalised), removals));
    }

    WriteOutcome jsonPatch(WriteRequest request, long id, JsonNode operations) {
        JsonPatch patch = JsonPatch.parse(operations);
        return change(request, id, current -> new Proposal(patch.apply(current.toJson()), patch.removals()));
    }

    /** PUT: the client sends the whole document and must prove with If-Match that it saw the old one. */
    WriteOutcome replace(WriteRequest request, long id, JsonNode body) {
        if (request.ifMatch().isEmpty()) {
            throw new ApiException(ProblemType.PRECONDITION_REQUIRED,
                    "PUT replaces the whole user; send If-Match with the current version (the ETag of GET /users/" + id + ")");
        }
        UserDocument document = validator.complete(body);
        return change(request.withOp("replace"), id, current -> new Proposal(document.toJson(), List.of()));
    }

    WriteOutcome delete(WriteRequest request, long id) {
        return run(request, connection -> {
            StoredUser current = lockAt(connection, id, request.ifMatch());
            StoredUser deleted = store.softDelete(connection, id).orElseThrow();
            return new WriteOutcome(current, request.dryRun() ? null : deleted);
        });
    }

    private WriteOutcome mergeInOneStatement(WriteRequest request, long id, ObjectNode patch) {
        var context = request.context();
        return transactions.autocommit(connection -> {
            Optional<StoredUser> updated = store.mergePatch(connection, id, MergeRequest.of(patch),
                    context.actor(), context.requestId(), request.ifMatch());
            if (updated.isEmpty()) {
                throw missOf(connection, id, request.ifMatch());
            }
            return new WriteOutcome(null, updated.get());
        });
    }

    private WriteOutcome change(WriteRequest request, long id, Change change) {
        return run(request, connection -> {
            StoredUser current = lockAt(connection, id, request.ifMatch());
            UserDocument before = current.document();
            Proposal proposal = change.propose(before);
            UserDocument after = validator.changed(proposal.after(), before);
            List<JsonPointer> lost = DataLoss.lostPaths(before.toJson(), after.toJson());
            List<JsonPointer> unnamed = DataLoss.unnamed(lost, proposal.removals());
            if (!unnamed.isEmpty() && request.ifMatch().isEmpty()) {
                throw dataLossRefused(id, unnamed);
            }
            return new WriteOutcome(current, store.update(connection, id, after, !lost.isEmpty()));
        });
    }

    private <T> T run(WriteRequest request, Transactions.Work<T> work) {
        return request.dryRun()
                ? transactions.rehearse(request.context(), work)
                : transactions.write(request.context(), work);
    }

    private StoredUser lockAt(Connection connection, long id, OptionalLong ifMatch) throws SQLException {
        StoredUser current = store.lock(connection, id).orElseThrow(() -> notFound(id));
        if (ifMatch.isPresent() && ifMatch.getAsLong() != current.version()) {
            throw preconditionFailed(id, ifMatch.getAsLong(), current.version());
        }
        return current;
    }

    private ApiException missOf(Connection connection, long id, OptionalLong ifMatch) throws SQLException {
        var state = store.state(connection, id);
        if (state.isEmpty() || state.get().deleted()) {
            return notFound(id);
        }
        return preconditionFailed(id, ifMatch.orElse(-1), state.get().version());
    }

    static ApiException notFound(long id) {
        return ApiException.notFound("user " + id + " does not exist");
    }

    private static ApiException preconditionFailed(long id, long expected, long actual) {
        return new ApiException(ProblemType.PRECONDITION_FAILED, "user " + id + " is at version " + actual
                + ", not " + expected + "; read it again and retry with If-Match: \"" + actual + "\"",
                List.of(), Map.of("currentVersion", actual));
    }

    private static ApiException dataLossRefused(long id, List<JsonPointer> unnamed) {
        List<String> paths = unnamed.stream().map(JsonPointer::toString).toList();
        return new ApiException(ProblemType.DATA_LOSS_REFUSED, "this write would drop " + String.join(", ", paths)
                + " from user " + id + " without naming them; remove them explicitly (null in a merge patch,"
                + " 'remove' in a JSON Patch) or send If-Match with the current version to overwrite",
                List.of(), Map.of("lost", paths));
    }
}

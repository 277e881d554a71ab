package dev.custodian.history;

import dev.custodian.db.Transactions;
import dev.custodian.http.ApiException;
import dev.custodian.http.Bodies;
import dev.custodian.http.Params;
import dev.custodian.http.Preconditions;
import dev.custodian.tracked.TrackedTable;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code GET /users/{id}?version=N} and {@code ?asOf=<RFC 3339 time>}, and the same of a row of an
 * adopted table ({@code GET /tables/{table}/rows/{key}}): a row as it was. The answer is the
 * usual representation of that version (a user's, with the time of that change as {@code
 * updatedAt}; an adopted row as it was), with its version as the ETag; 404 when the row did not
 * exist then (not yet, or deleted); 410 when that part of its history was compacted. Thread-safe.
 */
public final class PastVersions {
    private final Transactions transactions;
    private final TableHistory users;

    public PastVersions(Transactions transactions) {
        this.transactions = transactions;
        this.users = new TableHistory(transactions, TrackedTable.USERS);
    }

    /** Whether the request asks for the past, so that this class answers it. */
    public static boolean requested(Context ctx) {
        return ctx.queryParam("version") != null || ctx.queryParam("asOf") != null;
    }

    public void read(Context ctx, long id) {
        read(ctx, users, Long.toString(id));
    }

    void read(Context ctx, TableHistory history, String key) {
        OptionalLong version = Params.positive(ctx, "version", "a version number");
        String asOf = ctx.queryParam("asOf");
        if (version.isPresent() && asOf != null) {
            throw ApiException.validation(List.of(
                    new ApiException.FieldError("version", "give either version or asOf, not both"),
                    new ApiException.FieldError("asOf", "give either version or asOf, not both")));
        }
        PastStates.PastState state = version.isPresent()
                ? atVersion(history, key, version.getAsLong())
                : atTime(history, key, Times.parse("asOf", asOf), asOf);
        Preconditions.etag(ctx, state.version());
        ctx.contentType(Bodies.JSON).result(States.representation(history.table, key, state));
    }

    private PastStates.PastState atVersion(TableHistory history, String key, long version) {
        String row = history.table.noun() + " " + key;
        PastStates.PastState state = transactions.autocommit(connection -> history.past.kept(connection, key, version))
                .orElseThrow(() -> ApiException.notFound(row + " has no version " + version));
        if (!States.live(history.table, state.state())) {
            throw ApiException.notFound(row + " did not exist at version " + version + " (deleted)");
        }
        return state;
    }

    private PastStates.PastState atTime(TableHistory history, String key, Instant time, String text) {
        PastStates.PastState state = transactions.autocommit(connection -> {
            OptionalLong version = history.store.versionAt(connection, key, time);
            if (version.isEmpty()) {
                history.past.refuseIfCompacted(connection, key, time, text);
                return null;
            }
            return history.past.at(connection, key, version.getAsLong()).orElse(null);
        });
        if (state == null || !States.live(history.table, state.state())) {
            throw ApiException.notFound(history.table.noun() + " " + key + " did not exist at " + text);
        }
        return state;
    }
}

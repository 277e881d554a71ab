package dev.custodian.history;

import dev.custodian.db.Transactions;
import dev.custodian.http.ApiException;
import dev.custodian.http.Bodies;
import dev.custodian.http.Params;
import dev.custodian.http.Preconditions;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code GET /users/{id}?version=N} and {@code ?asOf=<RFC 3339 time>}: a user as it was. The
 * answer is the usual representation of that version, with its version as the ETag and the
 * time of that change as {@code updatedAt}; 404 when the user did not exist then (not yet, or
 * deleted); 410 when that part of its history was compacted. Thread-safe.
 */
public final class PastVersions {
    private final Transactions transactions;
    private final HistoryStore store = new HistoryStore();
    private final PastStates past = new PastStates(store);

    public PastVersions(Transactions transactions) {
        this.transactions = transactions;
    }

    /** Whether the request asks for the past, so that this class answers it. */
    public static boolean requested(Context ctx) {
        return ctx.queryParam("version") != null || ctx.queryParam("asOf") != null;
    }

    public void read(Context ctx, long id) {
        OptionalLong version = Params.positive(ctx, "version", "a version number");
        String asOf = ctx.queryParam("asOf");
        if (version.isPresent() && asOf != null) {
            throw ApiException.validation(List.of(
                    new ApiException.FieldError("version", "give either version or asOf, not both"),
                    new ApiException.FieldError("asOf", "give either version or asOf, not both")));
        }
        PastStates.PastState state = version.isPresent()
                ? atVersion(id, version.getAsLong())
                : atTime(id, Times.parse("asOf", asOf), asOf);
        Preconditions.etag(ctx, state.version());
        ctx.contentType(Bodies.JSON).result(States.representation(id, state.state(), state.version(),
                state.createdAt(), state.at()));
    }

    private PastStates.PastState atVersion(long id, long version) {
        PastStates.PastState state = transactions.autocommit(connection -> past.kept(connection, id, version))
                .orElseThrow(() -> ApiException.notFound("user " + id + " has no version " + version));
        if (!States.live(state.state())) {
            throw ApiException.notFound("user " + id + " did not exist at version " + version + " (deleted)");
        }
        return state;
    }

    private PastStates.PastState atTime(long id, Instant time, String text) {
        PastStates.PastState state = transactions.autocommit(connection -> {
            OptionalLong version = store.versionAt(connection, id, time);
            if (version.isEmpty()) {
                past.refuseIfCompacted(connection, id, time, text);
                return null;
            }
            return past.at(connection, id, version.getAsLong()).orElse(null);
        });
        if (state == null || !States.live(state.state())) {
            throw ApiException.notFound("user " + id + " did not exist at " + text);
        }
        return state;
    }
}

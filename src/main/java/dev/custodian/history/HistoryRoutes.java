package dev.custodian.history;

import dev.custodian.auth.AccessControl;
import dev.custodian.auth.Role;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.http.ApiException;
import dev.custodian.http.Bodies;
import dev.custodian.http.Pages;
import dev.custodian.http.Params;
import dev.custodian.http.Preconditions;
import dev.custodian.http.RequestIds;
import dev.custodian.jobs.JobRoutes;
import dev.custodian.jobs.Jobs;
import dev.custodian.jobs.PlannedJob;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;
import dev.custodian.tracked.WriteRequest;
import dev.custodian.tracked.Written;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;

/**
 * HTTP routes of history: {@code GET /users/{id}/history} and {@code GET /changes} (read), {@code POST
 * /users/{id}/revert} (write), {@code POST /admin/rollback}, which runs as a job when it is large
 * ({@link Jobs}), and {@code GET /admin/history/stats} (admin). Past versions of a user are read
 * through {@code GET /users/{id}}, answered by {@link PastVersions}. Thread-safe.
 */
public final class HistoryRoutes {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;

    private final Transactions transactions;
    private final HistoryStore store = new HistoryStore();
    private final RecentChanges recent = new RecentChanges();
    private final HistoryStats stats = new HistoryStats();
    private final Reverts reverts;
    private final RollbackJobs rollbacks;
    private final Jobs jobs;

    public HistoryRoutes(Transactions transactions, Jobs jobs) {
        this.transactions = transactions;
        this.jobs = jobs;
        TrackedWrites writes = new TrackedWrites(transactions, TrackedTable.USERS);
        this.reverts = new Reverts(writes, store, new PastStates(store));
        this.rollbacks = new RollbackJobs(new Rollbacks(transactions, store, writes));
    }

    public void register(Javalin app) {
        app.get("/users/{id}/history", this::history, Role.READ);
        app.get("/changes", this::changes, Role.READ);
        app.post("/users/{id}/revert", this::revert, Role.WRITE);
        app.post("/admin/rollback", this::rollback, Role.ADMIN);
        app.get("/admin/history/stats", this::stats, Role.ADMIN);
    }

    private void history(Context ctx) {
        long id = Params.id(ctx, "user");
        int limit = Params.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        long before = Params.positive(ctx, "before", "a version number").orElse(Long.MAX_VALUE);
        List<HistoryStore.Entry> page = transactions.autocommit(connection -> {
            var entries = store.page(connection, id, before, limit + 1);
            if (entries.isEmpty() && !store.known(connection, id)) {
                throw ApiException.notFound("user " + id + " does not exist and never did");
            }
            return entries;
        });
        Pages.respond(ctx, page, limit, HistoryStore.Entry::json, HistoryStore.Entry::version);
    }

    private void changes(Context ctx) {
        int limit = Params.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        ChangesQuery query = ChangesQuery.parse(ctx);
        List<RecentChanges.Entry> page = transactions.autocommit(connection -> recent.page(connection, query, limit + 1));
        Pages.respondWithCursor(ctx, page, limit, RecentChanges.Entry::json, RecentChanges.Entry::cursor);
    }

    private void stats(Context ctx) {
        ctx.contentType(Bodies.JSON).result(transactions.autocommit(stats::render));
    }

    private void revert(Context ctx) {
        WriteContext context = WriteContext.of(AccessControl.tokenOf(ctx).actor(), RequestIds.of(ctx))
                .withOp("revert").allowingRemoval();
        WriteRequest write = new WriteRequest(context, Preconditions.ifMatch(ctx), Preconditions.dryRun(ctx));
        Written outcome = reverts.revert(RevertRequest.parse(Params.id(ctx, "user"), Bodies.jsonObject(ctx), write));
        if (write.dryRun()) {
            ctx.contentType(Bodies.JSON).result(outcome.dryRunReport());
        } else if (outcome.live()) {
            Preconditions.etag(ctx, outcome.version());
            ctx.contentType(Bodies.JSON).result(outcome.after());
        } else {
            ctx.status(204);
        }
    }

    private void rollback(Context ctx) {
        PlannedJob rollback = rollbacks.plan(Bodies.jsonObject(ctx), Preconditions.dryRun(ctx),
                AccessControl.tokenOf(ctx).actor(), RequestIds.of(ctx));
        JobRoutes.respond(ctx, jobs.submit(rollback, JobRoutes.prefersAsync(ctx)));
    }
}
